package dev.registrytokens.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every secret issued during the test run, so a last test can prove none was stored or logged. */
public final class IssuedSecrets {
    private static final List<String> SECRETS = new CopyOnWriteArrayList<>();

    private IssuedSecrets() {
    }

    public static void remember(String secret) {
        SECRETS.add(secret);
    }

    public static List<String> all() {
        return List.copyOf(SECRETS);
    }
}
