package dev.registrytokens.testing;

import dev.registrytokens.core.adapters.DynamoDbLoginStore;
import dev.registrytokens.core.adapters.KmsSecretMacs;
import dev.registrytokens.registry.RegistryLogins;
import dev.registrytokens.registry.RegistrySigningKey;
import dev.registrytokens.testkit.AwsCallCounter;
import dev.registrytokens.testkit.AwsEmulator;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/** Registry-login wiring over the emulator, with every AWS call counted. */
public final class RegistryFixtures {
    public static final int FAILURE_LIMIT = 10;
    public static final Duration FAILURE_WINDOW = Duration.ofMinutes(5);
    /** Addresses for {@link #freshSource()}: 198.18.0.0/15, set aside for benchmarks (RFC 2544), 2^17 of them. */
    private static final int SOURCE_BLOCK_SIZE = 1 << 17;
    /** Where this JVM's addresses start: at random, so that test JVMs sharing one emulator draw apart. */
    private static final AtomicInteger SOURCES = new AtomicInteger(new SecureRandom().nextInt(SOURCE_BLOCK_SIZE));

    private RegistryFixtures() {
    }

    /**
     * Logins that read on every login: these tests log in faster than a token turns hot, and check the rules of the
     * read (hot tokens have their own test, HotTokenLoginsTest).
     */
    public static RegistryLogins logins(AwsCallCounter calls, Clock clock) {
        return logins(calls, clock, System.out::println);
    }

    /** Logins whose decision log lines go to {@code decisionLog}, reading on every login. */
    public static RegistryLogins logins(AwsCallCounter calls, Clock clock, java.util.function.Consumer<String> decisionLog) {
        AwsEmulator.Stack stack = AwsEmulator.stack();
        return new RegistryLogins(new DynamoDbLoginStore(stack.dynamoDb(calls), stack.tableName()),
                new KmsSecretMacs(stack.kms(calls), stack.macKeyId()), clock, FAILURE_LIMIT, FAILURE_WINDOW, decisionLog,
                RegistryLogins.HotTokenLimits.EVERY_LOGIN_READS);
    }

    /**
     * A source address no other test of this JVM uses: failed logins count per source in the emulator's table, for
     * the failure window and across test classes, so each test that logs in takes its own.
     */
    public static String freshSource() {
        int n = Math.floorMod(SOURCES.getAndIncrement(), SOURCE_BLOCK_SIZE);
        return "198." + (18 + (n >> 16)) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
    }

    public static RegistrySigningKey signingKey(AwsCallCounter calls) {
        return new RegistrySigningKey(AwsEmulator.stack().kms(calls), AwsEmulator.stack().signingKeyId());
    }

    public static String basic(String username, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }
}
