package dev.registrytokens.registry;

import dev.registrytokens.core.adapters.DependencyFailures;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
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
 * half is fetched once per execution environment. The certificates are built by {@link X509Certificates}; this
 * class brings KMS's part, the key and its signatures.
 */
public final class RegistrySigningKey {
    private final KmsClient kms;
    private final String keyId;
    private final Clock clock;
    private volatile byte[] publicKeyDer;

    public RegistrySigningKey(KmsClient kms, String keyId) {
        this(kms, keyId, Clock.systemUTC());
    }

    /** {@code clock} dates the CA certificate. */
    RegistrySigningKey(KmsClient kms, String keyId, Clock clock) {
        this.kms = kms;
        this.keyId = keyId;
        this.clock = clock;
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

    /** The key, which the JWKS ({@link Jwks}) publishes as the trust anchor that every JWT's {@code x5c} chain ends at. */
    public ECPublicKey publicKey() {
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(publicKeyDer()));
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException("the signing key is not an EC public key", e);
        }
    }

    /**
     * The self-signed CA certificate (signed by this KMS key), as PEM: what distribution's
     * {@code auth.token.rootcertbundle} wants. Made at deployment (a KMS Sign each time), then served as stored.
     */
    public String certificatePem() {
        return X509Certificates.pem(certificates().selfSigned());
    }

    /**
     * A leaf certificate for another key (DER SubjectPublicKeyInfo), issued by this CA: not a CA itself, for
     * signatures only, valid from {@code notBefore} to {@code notAfter}. One KMS Sign.
     */
    public byte[] issueLeaf(byte[] leafPublicKeyDer, byte[] serial, Instant notBefore, Instant notAfter) {
        return certificates().leaf(leafPublicKeyDer, serial, notBefore, notAfter);
    }

    /** The CA, named after its key's JWK thumbprint, signing through KMS. */
    private X509Certificates certificates() {
        return new X509Certificates("registry-tokens CA " + Jwks.thumbprint(publicKey()), publicKeyDer(), this::signDer, clock);
    }
}
