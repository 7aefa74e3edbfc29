package dev.registrytokens.core;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.zip.CRC32;

/**
 * Token secrets: {@code rgt_} + 32 base62 random characters (190 bits) + 6 base62 characters of CRC32.
 * The prefix lets leak scanners recognise a secret; the checksum lets a mistyped or made-up secret be
 * rejected before any AWS call.
 */
public final class Secrets {
    public static final String PREFIX = "rgt_";
    static final int RANDOM_LENGTH = 32;
    static final int CHECKSUM_LENGTH = 6;
    public static final int LENGTH = PREFIX.length() + RANDOM_LENGTH + CHECKSUM_LENGTH;
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private Secrets() {
    }

    /** A new secret; the generator is made per call so that no SnapStart snapshot carries its state. */
    public static String generate() {
        SecureRandom random = new SecureRandom();
        StringBuilder secret = new StringBuilder(LENGTH).append(PREFIX);
        for (int i = 0; i < RANDOM_LENGTH; i++) {
            secret.append(BASE62[random.nextInt(BASE62.length)]);
        }
        return secret.append(checksum(secret)).toString();
    }

    /** True when the value has the secret's shape and its checksum matches; no secret is ever looked up. */
    public static boolean isWellFormed(String candidate) {
        if (candidate == null || candidate.length() != LENGTH || !candidate.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < LENGTH; i++) {
            if (!isBase62(candidate.charAt(i))) {
                return false;
            }
        }
        String body = candidate.substring(0, LENGTH - CHECKSUM_LENGTH);
        return checksum(body).equals(candidate.substring(LENGTH - CHECKSUM_LENGTH));
    }

    private static boolean isBase62(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static String checksum(CharSequence body) {
        CRC32 crc = new CRC32();
        crc.update(body.toString().getBytes(StandardCharsets.US_ASCII));
        long value = crc.getValue();
        char[] digits = new char[CHECKSUM_LENGTH];
        for (int i = CHECKSUM_LENGTH - 1; i >= 0; i--) {
            digits[i] = BASE62[(int) (value % 62)];
            value /= 62;
        }
        return new String(digits);
    }
}
