package dev.registrytokens.registry;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;

/**
 * Builds the X.509 v3 certificates of registry trust, ecdsa-with-SHA256 over P-256 keys: a certificate authority's
 * self-signed certificate and the short-lived leaf certificates it issues. Pure: the issuer's signature comes from a
 * {@link Signer} (KMS in the service) and the CA certificate's validity from a {@link Clock}, so the same inputs give
 * the same to-be-signed bytes, and with the same signature the same certificate.
 */
public final class X509Certificates {
    /** How long a CA certificate is valid, in days from the start of the day it is made. */
    static final int CA_VALIDITY_DAYS = 3650;
    private static final byte[] ECDSA_WITH_SHA256 = Der.sequence(Der.objectId(1, 2, 840, 10045, 4, 3, 2));
    private static final byte[] COMMON_NAME = Der.objectId(2, 5, 4, 3);
    private static final byte[] BASIC_CONSTRAINTS = Der.objectId(2, 5, 29, 19);
    private static final byte[] KEY_USAGE = Der.objectId(2, 5, 29, 15);
    private static final byte[] CRITICAL = Der.bool(true);

    /** The issuer's signature over a to-be-signed certificate: ECDSA with SHA-256, in DER (what certificates carry). */
    @FunctionalInterface
    public interface Signer {
        byte[] signDer(byte[] tbsCertificate);
    }

    private final byte[] issuerName;
    private final byte[] issuerPublicKeyDer;
    private final Signer signer;
    private final Clock clock;

    /**
     * A CA named {@code issuerCommonName} (the same name bytes as subject of its own certificate and issuer of every
     * leaf, as chains require), whose key is {@code issuerPublicKeyDer} (DER SubjectPublicKeyInfo) and signs through
     * {@code signer}.
     */
    public X509Certificates(String issuerCommonName, byte[] issuerPublicKeyDer, Signer signer, Clock clock) {
        this.issuerName = name(issuerCommonName);
        this.issuerPublicKeyDer = issuerPublicKeyDer.clone();
        this.signer = signer;
        this.clock = clock;
    }

    /**
     * The CA's self-signed certificate: a CA with no intermediates below it (path length 0), for digitalSignature,
     * keyCertSign and cRLSign, valid from the start of the previous UTC day to {@value #CA_VALIDITY_DAYS} days after the
     * start of today. Its serial is the first 16 bytes of its key's SHA-256. One signature.
     */
    public byte[] selfSigned() {
        Instant today = clock.instant().truncatedTo(ChronoUnit.DAYS);
        byte[] serial = Arrays.copyOf(Sha256.of(issuerPublicKeyDer), 16);
        return certificate(serial, today.minus(1, ChronoUnit.DAYS), today.plus(CA_VALIDITY_DAYS, ChronoUnit.DAYS), issuerName,
                issuerPublicKeyDer, Der.sequence(Der.bool(true), Der.integer(BigInteger.ZERO)),
                (byte) 1, (byte) 0x86); // digitalSignature, keyCertSign, cRLSign
    }

    /**
     * A leaf certificate for another key (DER SubjectPublicKeyInfo), issued by this CA: not a CA itself, for signatures
     * only (digitalSignature), valid from {@code notBefore} to {@code notAfter}, its subject named after the key's hash.
     * One signature.
     */
    public byte[] leaf(byte[] subjectPublicKeyDer, byte[] serial, Instant notBefore, Instant notAfter) {
        byte[] subject = name("registry-tokens signer " + Base64Url.encode(Arrays.copyOf(Sha256.of(subjectPublicKeyDer), 12)));
        return certificate(serial, notBefore, notAfter, subject, subjectPublicKeyDer, Der.sequence(), (byte) 7, (byte) 0x80);
    }

    /** A DER certificate as PEM, what registries' {@code rootcertbundle} files hold. */
    public static String pem(byte[] der) {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n";
    }

    /**
     * An X.509 v3 certificate issued by this CA, with critical basicConstraints and keyUsage (a named-bit BIT STRING:
     * {@code unusedBits} and the one byte of bits).
     */
    private byte[] certificate(byte[] serial, Instant notBefore, Instant notAfter, byte[] subject, byte[] subjectPublicKeyDer,
                               byte[] basicConstraints, byte unusedBits, byte keyUsageBits) {
        byte[] extensions = Der.tagged(0xa3, Der.sequence(
                Der.sequence(BASIC_CONSTRAINTS, CRITICAL, Der.tagged(0x04, basicConstraints)),
                Der.sequence(KEY_USAGE, CRITICAL, Der.tagged(0x04, Der.tagged(0x03, new byte[] {unusedBits, keyUsageBits})))));
        byte[] tbs = Der.sequence(
                Der.tagged(0xa0, Der.integer(BigInteger.TWO)), // v3
                Der.integer(new BigInteger(1, serial)),
                ECDSA_WITH_SHA256,
                issuerName,
                Der.sequence(Der.time(notBefore), Der.time(notAfter)),
                subject,
                subjectPublicKeyDer,
                extensions);
        return Der.sequence(tbs, ECDSA_WITH_SHA256, Der.bitString(signer.signDer(tbs)));
    }

    private static byte[] name(String commonName) {
        return Der.sequence(Der.set(Der.sequence(COMMON_NAME, Der.utf8String(commonName))));
    }
}
