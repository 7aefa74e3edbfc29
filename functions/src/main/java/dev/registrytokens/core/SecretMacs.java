package dev.registrytokens.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;

/** HMACs of secrets, made by a KMS HMAC key: the key never leaves KMS and the secret is never stored. */
public final class SecretMacs {
    private final KmsClient kms;
    private final String keyId;

    public SecretMacs(KmsClient kms, String keyId) {
        this.kms = kms;
        this.keyId = keyId;
    }

    public SdkBytes macOf(String secret) {
        try {
            return kms.generateMac(request -> request
                    .keyId(keyId)
                    .macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)
                    .message(SdkBytes.fromString(secret, StandardCharsets.US_ASCII))).mac();
        } catch (SdkClientException | KmsException e) {
            throw DomainException.Unavailable.dependency("The key service", e);
        }
    }

    /** Compares in constant time, so that timing says nothing about how much of a MAC matched. */
    public static boolean sameMac(SdkBytes expected, SdkBytes actual) {
        return expected != null && actual != null && MessageDigest.isEqual(expected.asByteArrayUnsafe(), actual.asByteArrayUnsafe());
    }
}
