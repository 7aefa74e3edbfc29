package dev.registrytokens.local;

import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GenerateMacRequest;
import software.amazon.awssdk.services.kms.model.GenerateMacResponse;

/** A KMS stand-in for the fleet model (local only): GenerateMac with an in-memory HMAC key, calls counted per second. */
final class CountingKms implements KmsClient {
    private final Clock clock;
    private final SecretKeySpec key = new SecretKeySpec("fleet-model-mac-key".getBytes(java.nio.charset.StandardCharsets.US_ASCII), "HmacSHA256");
    private final TreeMap<Long, Integer> callsBySecond = new TreeMap<>();

    CountingKms(Clock clock) {
        this.clock = clock;
    }

    @Override
    public GenerateMacResponse generateMac(GenerateMacRequest request) {
        callsBySecond.merge(clock.instant().getEpochSecond(), 1, Integer::sum);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return GenerateMacResponse.builder().mac(SdkBytes.fromByteArray(mac.doFinal(request.message().asByteArray())))
                    .keyId(request.keyId()).macAlgorithm(request.macAlgorithm()).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    long calls() {
        return callsBySecond.values().stream().mapToLong(Integer::longValue).sum();
    }

    int peakCallsPerSecond() {
        return callsBySecond.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
    }
}
