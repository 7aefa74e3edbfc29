package dev.registrytokens.core.adapters;

import dev.registrytokens.core.SecretMacs;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;

/** HMACs of secrets, made by a KMS HMAC key: the key never leaves KMS and the secret is never stored. */
public final class KmsSecretMacs implements SecretMacs {
    private final KmsClient kms;
    private final String keyId;

    public KmsSecretMacs(KmsClient kms, String keyId) {
        this.kms = kms;
        this.keyId = keyId;
    }

    @Override
    public byte[] macOf(String secret) {
        try {
            return kms.generateMac(request -> request
                    .keyId(keyId)
                    .macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)
                    .message(SdkBytes.fromString(secret, StandardCharsets.US_ASCII))).mac().asByteArray();
        } catch (SdkClientException | KmsException e) {
            throw DependencyFailures.unavailable("The key service", e);
        }
    }
}
