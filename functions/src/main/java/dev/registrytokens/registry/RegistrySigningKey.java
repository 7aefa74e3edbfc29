package dev.registrytokens.registry;

import dev.registrytokens.core.adapters.DependencyFailures;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * The KMS key (ECC_NIST_P256) at the root of registry trust: a certificate authority whose private half never
 * leaves KMS. Its self-signed CA certificate is the registries' {@code rootcertbundle}; it signs short-lived leaf
 * certificates for the keys that execution environments make in memory and sign registry JWTs with. Its public
 * half is fetched once per execution environment.
 */
public final class RegistrySigningKey {
    private static final int P256_COORDINATE_BYTES = 32;
    private static final byte[] ECDSA_WITH_SHA256 = Der.sequence(Der.objectId(1, 2, 840, 10045, 4, 3, 2));
    private static final byte[] BASIC_CONSTRAINTS = Der.objectId(2, 5, 29, 19);
    private static final byte[] KEY_USAGE = Der.objectId(2, 5, 29, 15);
    private static final byte[] CRITICAL = Der.bool(true);

    private final KmsClient kms;
    private final String keyId;
    private volatile byte[] publicKeyDer;

    public RegistrySigningKey(KmsClient kms, String keyId) {
        this.kms = kms;
        this.keyId = keyId;
    }

    /** ECDSA_SHA_256 by KMS, in the DER form KMS returns (what X.509 certificates carry). */
    private byte[] signDer(byte[] message) {
        try {
            return kms.sign(request -> request.keyId(keyId).messageType(MessageType.RAW)
                    .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256).message(SdkBytes.fromByteArray(message)))
                    .signature().asByteArray();
        } catch (SdkClientException | KmsException e) {
            throw DependencyFailures.unavailable("The key service", e);
        }
    }

    /** The DER SubjectPublicKeyInfo of the key. */
    public byte[] publicKeyDer() {
        byte[] der = publicKeyDer;
        if (der == null) {
            try {
                der = kms.getPublicKey(request -> request.keyId(keyId)).publicKey().asByteArray();
            } catch (SdkClientException | KmsException e) {
                throw DependencyFailures.unavailable("The key service", e);
            }
            publicKeyDer = der;
        }
        return der;
    }

    /**
     * The key's RFC 7638 JWK thumbprint (base64url SHA-256 of its canonical JWK): how distribution 3 and JOSE
     * libraries identify a key.
     */
    public String thumbprint() {
        ECPublicKey key = ecPublicKey();
        String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + base64Url(unsignedFixed(key.getW().getAffineX()))
                + "\",\"y\":\"" + base64Url(unsignedFixed(key.getW().getAffineY())) + "\"}";
        return base64Url(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
    }

    /** The CA's public key as a JSON Web Key Set: the trust anchor that every JWT's {@code x5c} chain ends at. */
    public Map<String, Object> jwks() {
        ECPublicKey key = ecPublicKey();
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "EC");
        jwk.put("crv", "P-256");
        jwk.put("use", "sig");
        jwk.put("alg", "ES256");
        jwk.put("kid", thumbprint());
        jwk.put("x", base64Url(unsignedFixed(key.getW().getAffineX())));
        jwk.put("y", base64Url(unsignedFixed(key.getW().getAffineY())));
        return Map.of("keys", List.of(jwk));
    }

    /**
     * The self-signed CA certificate (signed by this KMS key): what distribution's {@code auth.token.rootcertbundle}
     * wants. Made at deployment (a KMS Sign each time), then served as stored.
     */
    public String certificatePem() {
        Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS);
        byte[] serial = Arrays.copyOf(sha256(publicKeyDer()), 16);
        byte[] certificate = certificate(serial, today.minus(1, ChronoUnit.DAYS), today.plus(3650, ChronoUnit.DAYS), publicKeyDer(),
                Der.sequence(Der.bool(true), Der.integer(BigInteger.ZERO)), // CA, no intermediates
                (byte) 1, (byte) 0x86); // digitalSignature, keyCertSign, cRLSign
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate)
                + "\n-----END CERTIFICATE-----\n";
    }

    /**
     * A leaf certificate for another key (DER SubjectPublicKeyInfo), issued by this CA: not a CA itself, for
     * signatures only, valid from {@code notBefore} to {@code notAfter}. One KMS Sign.
     */
    public byte[] issueLeaf(byte[] leafPublicKeyDer, byte[] serial, Instant notBefore, Instant notAfter) {
        return certificate(serial, notBefore, notAfter, leafPublicKeyDer, Der.sequence(), (byte) 7, (byte) 0x80); // digitalSignature
    }

    /**
     * An X.509 v3 certificate issued by this CA's name, with critical basicConstraints and keyUsage (a named-bit
     * BIT STRING: {@code unusedBits} and the one byte of bits).
     */
    private byte[] certificate(byte[] serial, Instant notBefore, Instant notAfter, byte[] subjectPublicKeyDer,
                               byte[] basicConstraints, byte unusedBits, byte keyUsageBits) {
        byte[] issuer = name();
        byte[] subject = Arrays.equals(subjectPublicKeyDer, publicKeyDer()) ? issuer
                : Der.sequence(Der.set(Der.sequence(Der.objectId(2, 5, 4, 3),
                        Der.utf8String("registry-tokens signer " + base64Url(Arrays.copyOf(sha256(subjectPublicKeyDer), 12))))));
        byte[] extensions = Der.tagged(0xa3, Der.sequence(
                Der.sequence(BASIC_CONSTRAINTS, CRITICAL, Der.tagged(0x04, basicConstraints)),
                Der.sequence(KEY_USAGE, CRITICAL, Der.tagged(0x04, Der.tagged(0x03, new byte[] {unusedBits, keyUsageBits})))));
        byte[] tbs = Der.sequence(
                Der.tagged(0xa0, Der.integer(BigInteger.TWO)), // v3
                Der.integer(new BigInteger(1, serial)),
                ECDSA_WITH_SHA256,
                issuer,
                Der.sequence(Der.utcTime(notBefore), Der.utcTime(notAfter)),
                subject,
                subjectPublicKeyDer,
                extensions);
        return Der.sequence(tbs, ECDSA_WITH_SHA256, Der.bitString(signDer(tbs)));
    }

    /** The CA's name: the same bytes as subject of its certificate and issuer of every leaf, as chains require. */
    private byte[] name() {
        return Der.sequence(Der.set(Der.sequence(Der.objectId(2, 5, 4, 3), Der.utf8String("registry-tokens CA " + thumbprint()))));
    }

    private ECPublicKey ecPublicKey() {
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(publicKeyDer()));
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException("the signing key is not an EC public key", e);
        }
    }

    private static byte[] unsignedFixed(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[P256_COORDINATE_BYTES];
        int copy = Math.min(bytes.length, P256_COORDINATE_BYTES);
        System.arraycopy(bytes, bytes.length - copy, fixed, P256_COORDINATE_BYTES - copy, copy);
        return fixed;
    }

    static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
