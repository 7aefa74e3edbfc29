package dev.registrytokens.testing;

import dev.registrytokens.core.SecretMacs;
import dev.registrytokens.core.TokenStore;
import dev.registrytokens.registry.RegistryLogins;
import dev.registrytokens.registry.RegistrySigningKey;
import dev.registrytokens.testkit.AwsCallCounter;
import dev.registrytokens.testkit.AwsEmulator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/** Registry-login wiring over the emulator, with every AWS call counted. */
public final class RegistryFixtures {
    public static final int FAILURE_LIMIT = 10;
    public static final Duration FAILURE_WINDOW = Duration.ofMinutes(5);
    /** The source address of events/registry-authorizer.json (TEST-NET-3). */
    public static final String SOURCE_IP = "203.0.113.7";

    private RegistryFixtures() {
    }

    public static RegistryLogins logins(AwsCallCounter calls, Clock clock) {
        AwsEmulator.Stack stack = AwsEmulator.stack();
        return new RegistryLogins(new TokenStore(stack.dynamoDb(calls), stack.tableName()),
                new SecretMacs(stack.kms(calls), stack.macKeyId()), clock, FAILURE_LIMIT, FAILURE_WINDOW);
    }

    /** Logins whose decision log lines go to {@code decisionLog}. */
    public static RegistryLogins logins(AwsCallCounter calls, Clock clock, java.util.function.Consumer<String> decisionLog) {
        AwsEmulator.Stack stack = AwsEmulator.stack();
        return new RegistryLogins(new TokenStore(stack.dynamoDb(calls), stack.tableName()),
                new SecretMacs(stack.kms(calls), stack.macKeyId()), clock, FAILURE_LIMIT, FAILURE_WINDOW, decisionLog);
    }

    public static RegistrySigningKey signingKey(AwsCallCounter calls) {
        return new RegistrySigningKey(AwsEmulator.stack().kms(calls), AwsEmulator.stack().signingKeyId());
    }

    public static String basic(String username, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }
}
