package dev.registrytokens.local;

import dev.registrytokens.core.CreateTokenRequest;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.SecretMacs;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenStore;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.registry.RegistryLogins;
import dev.registrytokens.registry.RegistryScope;
import dev.registrytokens.registry.RegistrySigningKey;
import dev.registrytokens.registry.RegistryTokenIssuer;
import dev.registrytokens.testing.AwsCallCounter;
import dev.registrytokens.testing.AwsEmulator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Measures the registry login path (authorizer decision + token issue, as one docker pull asks for it)
 * against the emulator: latency percentiles and AWS calls per login. Run with ./dev bench [ITERATIONS].
 * Figures against moto measure this code and the emulator on loopback, not AWS's latency.
 */
public final class LoginBenchmark {
    /** Where the measured logins come from: every one counts against the same source, as from one client. */
    private static final String LOOPBACK = "127.0.0.1";

    private LoginBenchmark() {
    }

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        AwsEmulator.Stack stack = AwsEmulator.stack();
        AwsCallCounter calls = new AwsCallCounter();
        TokenStore store = new TokenStore(stack.dynamoDb(calls), stack.tableName());
        SecretMacs macs = new SecretMacs(stack.kms(calls), stack.macKeyId());
        String namespace = "bench" + UUID.randomUUID().toString().substring(0, 8);
        TokenView token = new TokenService(store, macs, Clock.systemUTC())
                .create(new dev.registrytokens.core.Account("bench-owner", namespace),
                        new CreateTokenRequest("ci", Permission.PULL_PUSH, 1, null));
        RegistryLogins logins = new RegistryLogins(store, macs, Clock.systemUTC(), 10, Duration.ofMinutes(5));
        RegistryTokenIssuer issuer = new RegistryTokenIssuer(new RegistrySigningKey(stack.kms(calls), stack.signingKeyId()),
                "registry-tokens", Duration.ofMinutes(5), Duration.ofHours(1), Clock.systemUTC());
        String authorization = "Basic " + Base64.getEncoder().encodeToString(
                (token.username() + ":" + token.secret()).getBytes(StandardCharsets.UTF_8));
        String malformed = "Basic " + Base64.getEncoder().encodeToString((token.username() + ":rgt_wrong").getBytes(StandardCharsets.UTF_8));
        List<String> scope = List.of("repository:" + namespace + "/app:pull,push");

        Runnable login = () -> {
            var allowed = logins.authenticate(authorization, LOOPBACK).orElseThrow();
            issuer.issue(allowed.username(), "registry.local", RegistryScope.grant(scope, allowed.namespace(),
                    allowed.permission().registryActions()));
        };
        for (int i = 0; i < Math.min(100, iterations); i++) {
            login.run(); // warm-up: JIT, connection set-up, the signing key's public key
        }
        calls.reset();
        long[] nanos = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            login.run();
            nanos[i] = System.nanoTime() - start;
        }
        String perLogin = calls.toString();
        int totalCalls = calls.total();
        calls.reset();
        long rejectStart = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            if (logins.authenticate(malformed, LOOPBACK).isPresent()) {
                throw new IllegalStateException("a malformed secret was accepted");
            }
        }
        long rejectNanos = System.nanoTime() - rejectStart;

        Arrays.sort(nanos);
        System.out.printf("registry login (authorize + issue JWT), %d iterations against %s%n", iterations, stack.endpoint());
        System.out.printf("  p50 %.2f ms   p95 %.2f ms   p99 %.2f ms   max %.2f ms%n",
                ms(nanos[iterations / 2]), ms(nanos[iterations * 95 / 100]), ms(nanos[iterations * 99 / 100]), ms(nanos[iterations - 1]));
        System.out.printf("  AWS calls over %d logins: %s (%.2f per login)%n", iterations, perLogin, totalCalls / (double) iterations);
        System.out.printf("malformed secret refused: %.4f ms each, AWS calls: %d%n", ms(rejectNanos) / iterations, calls.total());
        System.exit(0);
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }
}
