package dev.registrytokens.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 under a key of its own, in memory, for fast tests; counts its MACs and can be made to fail as KMS would. */
public final class InMemorySecretMacs implements SecretMacs {
    private final byte[] key = new byte[32];
    private final AtomicInteger macs = new AtomicInteger();
    private volatile boolean unavailable;

    public InMemorySecretMacs() {
        new SecureRandom().nextBytes(key);
    }

    @Override
    public byte[] macOf(String secret) {
        macs.incrementAndGet();
        if (unavailable) {
            throw DomainException.Unavailable.dependency("The key service", "timeout (injected)");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(secret.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many MACs were asked for (failed ones included). */
    public int calls() {
        return macs.get();
    }

    public void resetCalls() {
        macs.set(0);
    }

    /** From now on every MAC fails as an unreachable key service does (or works again). */
    public void unavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }
}
