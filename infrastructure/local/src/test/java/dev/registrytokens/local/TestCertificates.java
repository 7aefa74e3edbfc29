package dev.registrytokens.local;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * X.509 v3 certificates for P-256 keys, signed with ecdsa-with-SHA256, encoded by the test itself so that it can
 * make the certificate chains a registry must refuse (another root, an expired leaf).
 */
final class TestCertificates {
    private static final byte[] ECDSA_WITH_SHA256 = sequence(objectId(1, 2, 840, 10045, 4, 3, 2));
    private static final int[] COMMON_NAME = {2, 5, 4, 3};
    private static final int[] KEY_USAGE = {2, 5, 29, 15};
    private static final int[] BASIC_CONSTRAINTS = {2, 5, 29, 19};
    /** keyUsage bits as DER BIT STRING contents (unused-bit count first): digitalSignature (bit 0), keyCertSign (bit 5). */
    private static final byte[] DIGITAL_SIGNATURE = {7, (byte) 0x80};
    private static final byte[] KEY_CERT_SIGN = {2, 0x04};
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    /** A certificate with its key pair; the certificate in DER. */
    record Issued(KeyPair keys, byte[] der, String subject) {
        String pem() {
            return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(der) + "\n-----END CERTIFICATE-----\n";
        }
    }

    private TestCertificates() {
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has P-256", e);
        }
    }

    /** A self-signed CA certificate (basicConstraints CA:true, keyUsage keyCertSign), valid for a day. */
    static Issued certificateAuthority(String name) {
        KeyPair keys = newKeyPair();
        Instant now = Instant.now();
        byte[] der = certificate(name, keys.getPrivate(), name, keys.getPublic(), now.minusSeconds(60), now.plusSeconds(86_400),
                true, KEY_CERT_SIGN);
        return new Issued(keys, der, name);
    }

    /** A leaf certificate (basicConstraints CA:false, keyUsage digitalSignature) for a new key, signed by the CA. */
    static Issued leaf(Issued ca, Instant notBefore, Instant notAfter) {
        KeyPair keys = newKeyPair();
        String name = "registry-tokens test signer";
        return new Issued(keys, certificate(ca.subject(), ca.keys().getPrivate(), name, keys.getPublic(), notBefore, notAfter,
                false, DIGITAL_SIGNATURE), name);
    }

    private static byte[] certificate(String issuer, PrivateKey issuerKey, String subject, PublicKey subjectKey,
            Instant notBefore, Instant notAfter, boolean ca, byte[] keyUsage) {
        byte[] basicConstraints = ca ? sequence(tlv(0x01, new byte[] {(byte) 0xff})) : sequence();
        byte[] tbs = sequence(
                tlv(0xa0, integer(BigInteger.TWO)),
                integer(new BigInteger(63, new SecureRandom())),
                ECDSA_WITH_SHA256,
                name(issuer),
                sequence(utcTime(notBefore), utcTime(notAfter)),
                name(subject),
                subjectKey.getEncoded(),
                tlv(0xa3, sequence(
                        criticalExtension(BASIC_CONSTRAINTS, basicConstraints),
                        criticalExtension(KEY_USAGE, tlv(0x03, keyUsage)))));
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(issuerKey);
            signature.update(tbs);
            return sequence(tbs, ECDSA_WITH_SHA256, bitString(signature.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK signs with ECDSA", e);
        }
    }

    private static byte[] name(String commonName) {
        return sequence(tlv(0x31, sequence(objectId(COMMON_NAME), tlv(0x0c, commonName.getBytes(StandardCharsets.UTF_8)))));
    }

    private static byte[] criticalExtension(int[] id, byte[] value) {
        return sequence(objectId(id), tlv(0x01, new byte[] {(byte) 0xff}), tlv(0x04, value));
    }

    private static byte[] utcTime(Instant instant) {
        return tlv(0x17, UTC_TIME.format(instant).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] bitString(byte[] bytes) {
        byte[] content = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, content, 1, bytes.length);
        return tlv(0x03, content);
    }

    private static byte[] integer(BigInteger value) {
        return tlv(0x02, value.toByteArray());
    }

    private static byte[] objectId(int... arcs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(arcs[0] * 40 + arcs[1]);
        for (int i = 2; i < arcs.length; i++) {
            int arc = arcs[i];
            int shift = 28;
            while (shift > 0 && (arc >>> shift) == 0) {
                shift -= 7;
            }
            for (; shift > 0; shift -= 7) {
                out.write(0x80 | ((arc >>> shift) & 0x7f));
            }
            out.write(arc & 0x7f);
        }
        return tlv(0x06, out.toByteArray());
    }

    private static byte[] sequence(byte[]... items) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] item : items) {
            content.writeBytes(item);
        }
        return tlv(0x30, content.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            byte[] lengthBytes = BigInteger.valueOf(length).toByteArray();
            int start = lengthBytes[0] == 0 ? 1 : 0;
            out.write(0x80 | (lengthBytes.length - start));
            out.write(lengthBytes, start, lengthBytes.length - start);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
