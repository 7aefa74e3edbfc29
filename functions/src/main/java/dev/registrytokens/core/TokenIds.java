package dev.registrytokens.core;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Token ids are ULIDs in lowercase Crockford base32: 48 bits of creation time, then 80 random bits.
 * They sort by creation time, which gives newest-first listing straight from the table's sort key.
 */
public final class TokenIds {
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final Pattern FORMAT = Pattern.compile("[0-7][0-9a-hjkmnp-tv-z]{25}");

    private TokenIds() {
    }

    public static String newId(Instant createdAt, SecureRandom random) {
        char[] id = new char[26];
        long time = createdAt.toEpochMilli();
        for (int i = 9; i >= 0; i--) {
            id[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        for (int i = 10; i < 26; i++) {
            id[i] = ALPHABET[random.nextInt(32)];
        }
        return new String(id);
    }

    /** The id's time part: every id made at or after the id's time sorts at or after it. */
    public static String timePrefix(String id) {
        return id.substring(0, 10);
    }

    public static boolean isWellFormed(String id) {
        return id != null && FORMAT.matcher(id).matches();
    }
}
