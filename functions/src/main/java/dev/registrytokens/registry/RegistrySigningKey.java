package dev.registrytokens.registry;

import dev.registrytokens.core.ApiException;
import java.math.BigInteger;
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
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * The KMS key (ECC_NIST_P256) that signs registry JWTs. Its private half never leaves KMS; its public half
 * is fetched once per execution environment and published as a JWKS and as an X.509 certificate.
 */
public final class RegistrySigningKey {
    private static final int P256_COORDINATE_BYTES = 32;

    private final KmsClient kms;
    private final String keyId;
    private volatile byte[] publicKeyDer;
    private volatile String libtrustKeyId;

    public RegistrySigningKey(KmsClient kms, String keyId) {
        this.kms = kms;
        this.keyId = keyId;
    }

    /** ES256 over the message, as raw R||S (64 bytes): JWS cannot use the DER form KMS returns. */
    public byte[] sign(byte[] message) {
        return Der.ecdsaDerToRaw(signDer(message), P256_COORDINATE_BYTES);
    }

    /** ECDSA_SHA_256 by KMS, in the DER form KMS returns (what X.509 certificates carry). */
    private byte[] signDer(byte[] message) {
        try {
            return kms.sign(request -> request.keyId(keyId).messageType(MessageType.RAW)
                    .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256).message(SdkBytes.fromByteArray(message)))
                    .signature().asByteArray();
        } catch (SdkClientException | KmsException e) {
            throw ApiException.serviceUnavailable("The key service");
        }
    }

    /** The DER SubjectPublicKeyInfo of the key. */
    public byte[] publicKeyDer() {
        byte[] der = publicKeyDer;
        if (der == null) {
            try {
                der = kms.getPublicKey(request -> request.keyId(keyId)).publicKey().asByteArray();
            } catch (SdkClientException | KmsException e) {
                throw ApiException.serviceUnavailable("The key service");
            }
            publicKeyDer = der;
        }
        return der;
    }

    /**
     * The key id distribution expects in the JWT header: libtrust's, i.e. SHA-256 of the DER public key,
     * first 240 bits, base32 without padding, in 12 groups of 4 joined by ':'. Computed once: every
     * registry token carries it.
     */
    public String libtrustKeyId() {
        String id = libtrustKeyId;
        if (id == null) {
            id = computeLibtrustKeyId();
            libtrustKeyId = id;
        }
        return id;
    }

    private String computeLibtrustKeyId() {
        byte[] digest = sha256(publicKeyDer());
        String base32 = base32(Arrays.copyOf(digest, 30));
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < base32.length(); i += 4) {
            if (i > 0) {
                id.append(':');
            }
            id.append(base32, i, i + 4);
        }
        return id.toString();
    }

    /** The public key as a JSON Web Key Set. */
    public Map<String, Object> jwks() {
        ECPublicKey key = ecPublicKey();
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "EC");
        jwk.put("crv", "P-256");
        jwk.put("use", "sig");
        jwk.put("alg", "ES256");
        jwk.put("kid", libtrustKeyId());
        jwk.put("x", base64Url(unsignedFixed(key.getW().getAffineX())));
        jwk.put("y", base64Url(unsignedFixed(key.getW().getAffineY())));
        return Map.of("keys", java.util.List.of(jwk));
    }

    /**
     * A self-signed X.509 certificate (signed by this KMS key) carrying the public key: what distribution's
     * {@code auth.token.rootcertbundle} wants. Made at deployment (a KMS Sign each time), then served as stored.
     */
    public String certificatePem() {
        return toPem(selfSignedCertificate(Instant.now().truncatedTo(ChronoUnit.DAYS)));
    }

    private byte[] selfSignedCertificate(Instant notBefore) {
        byte[] ecdsaWithSha256 = Der.sequence(Der.objectId(1, 2, 840, 10045, 4, 3, 2));
        byte[] name = Der.sequence(Der.set(Der.sequence(Der.objectId(2, 5, 4, 3), Der.utf8String("registry-tokens " + libtrustKeyId()))));
        byte[] tbs = Der.sequence(
                Der.tagged(0xa0, Der.integer(BigInteger.TWO)), // v3
                Der.integer(new BigInteger(1, Arrays.copyOf(sha256(publicKeyDer()), 16))),
                ecdsaWithSha256,
                name,
                Der.sequence(Der.utcTime(notBefore.minus(1, ChronoUnit.DAYS)), Der.utcTime(notBefore.plus(3650, ChronoUnit.DAYS))),
                name,
                publicKeyDer());
        return Der.sequence(tbs, ecdsaWithSha256, Der.bitString(signDer(tbs)));
    }

    private ECPublicKey ecPublicKey() {
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(publicKeyDer()));
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException("the signing key is not an EC public key", e);
        }
    }

    private static String toPem(byte[] der) {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n";
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

    private static String base32(byte[] bytes) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(alphabet.charAt((buffer >>> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }
}
