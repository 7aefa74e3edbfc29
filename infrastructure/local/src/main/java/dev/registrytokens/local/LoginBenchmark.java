package dev.registrytokens.local;

import dev.registrytokens.core.CreateTokenRequest;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.RepositoryRule;
import dev.registrytokens.core.SecretMacs;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenStore;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.core.adapters.DynamoDbLoginStore;
import dev.registrytokens.core.adapters.DynamoDbTokenStore;
import dev.registrytokens.core.adapters.KmsSecretMacs;
import dev.registrytokens.registry.RegistryLogins;
import dev.registrytokens.registry.RegistryScope;
import dev.registrytokens.registry.RegistrySigningKey;
import dev.registrytokens.registry.RegistryTokenIssuer;
import dev.registrytokens.testkit.AwsCallCounter;
import dev.registrytokens.testkit.AwsEmulator;
import dev.registrytokens.testkit.ProjectFiles;
import dev.registrytokens.testkit.TemplateResources;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Measures the registry login path (authorizer decision + token issue, as one docker pull asks for it)
 * against the emulator: latency percentiles and AWS calls per login. Run with ./dev bench [ITERATIONS].
 * Figures against moto measure this code and the emulator on loopback, not AWS's latency.
 */
public final class LoginBenchmark {
    /** Where the measured logins come from: every one counts against the same source, as from one client. */
    private static final String LOOPBACK = "127.0.0.1";
    /** The template's MemorySize for the authorizer and the token endpoint (Globals). */
    private static final int MEMORY_MB = TemplateResources.readTemplate(ProjectFiles.template()).at("/Globals/Function/MemorySize").asInt();

    private LoginBenchmark() {
    }

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        AwsEmulator.Stack stack = AwsEmulator.stack();
        AwsCallCounter calls = new AwsCallCounter();
        TokenStore store = new DynamoDbTokenStore(stack.dynamoDb(calls), stack.tableName());
        SecretMacs macs = new KmsSecretMacs(stack.kms(calls), stack.macKeyId());
        String namespace = "bench" + UUID.randomUUID().toString().substring(0, 8);
        TokenView token = new TokenService(store, macs, Clock.systemUTC())
                .create(new dev.registrytokens.core.Membership("bench-owner", namespace, dev.registrytokens.core.Role.OWNER),
                        new CreateTokenRequest("ci", Permission.PULL_PUSH, null, 1, null));
        // A token below the hot threshold (every login reads): what a login costs at most; hot tokens: ./dev bench hot.
        RegistryLogins logins = new RegistryLogins(new DynamoDbLoginStore(stack.dynamoDb(calls), stack.tableName()), macs,
                Clock.systemUTC(), 10, Duration.ofMinutes(5), System.out::println, RegistryLogins.HotTokenLimits.EVERY_LOGIN_READS);
        RegistryTokenIssuer issuer = new RegistryTokenIssuer(new RegistrySigningKey(stack.kms(calls), stack.signingKeyId()),
                "registry-tokens", Duration.ofMinutes(5), Duration.ofHours(1), Clock.systemUTC());
        String authorization = "Basic " + Base64.getEncoder().encodeToString(
                (token.username() + ":" + token.secret()).getBytes(StandardCharsets.UTF_8));
        String malformed = "Basic " + Base64.getEncoder().encodeToString((token.username() + ":rgt_wrong").getBytes(StandardCharsets.UTF_8));
        List<String> scope = List.of("repository:" + namespace + "/app:pull,push");

        Measured unscoped = measure(logins, issuer, authorization, scope, calls, iterations);
        long[] authorizeNanos = unscoped.authorizeNanos();
        long[] issueNanos = unscoped.issueNanos();
        String firstLogin = unscoped.firstLogin();
        Map<String, Double> perLogin = unscoped.perLogin();
        int totalCalls = unscoped.totalCalls();
        calls.reset();
        long rejectStart = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            if (logins.authenticate(malformed, LOOPBACK).isPresent()) {
                throw new IllegalStateException("a malformed secret was accepted");
            }
        }
        long rejectNanos = System.nanoTime() - rejectStart;

        long[] total = new long[iterations];
        Arrays.setAll(total, i -> authorizeNanos[i] + issueNanos[i]);
        Arrays.sort(total);
        Arrays.sort(authorizeNanos);
        Arrays.sort(issueNanos);
        System.out.printf("registry login (authorize + issue JWT), %d iterations against %s%n", iterations, stack.endpoint());
        System.out.printf("  p50 %.2f ms   p95 %.2f ms   p99 %.2f ms   max %.2f ms   (authorize p50 %.2f ms, issue p50 %.3f ms)%n",
                ms(total[iterations / 2]), ms(total[iterations * 95 / 100]), ms(total[iterations * 99 / 100]), ms(total[iterations - 1]),
                ms(authorizeNanos[iterations / 2]), ms(issueNanos[iterations / 2]));
        System.out.printf("  first login of an environment: %s%n", firstLogin);
        System.out.printf("  AWS calls per steady-state login (same token, after warm-up): %s (%.2f in all)%n", perLogin,
                totalCalls / (double) iterations);
        System.out.printf("malformed secret refused: %.4f ms each, AWS calls: %d%n", ms(rejectNanos) / iterations, calls.total());
        System.out.printf("DynamoDB writes per steady-state login: %.4f (usage: at most one UpdateItem per token a minute per"
                + " environment)%n", (perLogin.getOrDefault("UpdateItem", 0.0) + perLogin.getOrDefault("PutItem", 0.0)));

        // A hammered disabled token: its refusals are gathered per environment and written at most once a minute.
        TokenService lifecycle = new TokenService(store, macs, Clock.systemUTC());
        var owner = new dev.registrytokens.core.Membership("bench-owner", namespace, dev.registrytokens.core.Role.OWNER);
        TokenView disabled = lifecycle.create(owner, new CreateTokenRequest("ci-disabled", Permission.PULL, null, 1, null));
        lifecycle.setStatus(owner, disabled.id(), null, dev.registrytokens.core.TokenStatus.DISABLED);
        String disabledLogin = "Basic " + Base64.getEncoder().encodeToString(
                (disabled.username() + ":" + disabled.secret()).getBytes(StandardCharsets.UTF_8));
        calls.reset();
        long refusalStart = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            if (logins.authenticate(disabledLogin, LOOPBACK).isPresent()) {
                throw new IllegalStateException("a disabled token was accepted");
            }
        }
        int refusalWrites = calls.count("UpdateItem") + calls.count("PutItem");
        System.out.printf("disabled token refused %d times in %.1f s: %d DynamoDB writes (%.4f per refusal), %d KMS calls%n",
                iterations, (System.nanoTime() - refusalStart) / 1e9, refusalWrites, refusalWrites / (double) iterations,
                calls.count("GenerateMac"));

        // The same login with a token of 100 repository rules, the most a token may have: 99 that do not match, then one.
        List<RepositoryRule> rules = new java.util.ArrayList<>();
        for (int i = 0; i < RepositoryRule.MAX_RULES - 1; i++) {
            rules.add(new RepositoryRule("svc-" + i + "/**", Permission.PULL));
        }
        rules.add(new RepositoryRule("app", Permission.PULL_PUSH));
        TokenView scopedToken = new TokenService(store, macs, Clock.systemUTC())
                .create(new dev.registrytokens.core.Membership("bench-owner", namespace, dev.registrytokens.core.Role.OWNER),
                        new CreateTokenRequest("ci-scoped", Permission.PULL_PUSH, rules, 1, null));
        Measured scoped = measure(logins, issuer, "Basic " + Base64.getEncoder().encodeToString(
                (scopedToken.username() + ":" + scopedToken.secret()).getBytes(StandardCharsets.UTF_8)), scope, calls, iterations);
        Arrays.sort(scoped.authorizeNanos());
        Arrays.sort(scoped.issueNanos());
        System.out.printf("with %d repository rules: authorize p50 %.2f ms, issue (rules matched) p50 %.3f ms; AWS calls per"
                        + " steady-state login: %s (%.2f in all)%n", rules.size(), ms(scoped.authorizeNanos()[iterations / 2]),
                ms(scoped.issueNanos()[iterations / 2]), scoped.perLogin(), scoped.totalCalls() / (double) iterations);

        // Billed duration: Lambda rounds each invocation up to the millisecond; the handlers' own time measured here.
        LoginCost.Login measured = new LoginCost.Login(perLogin, (int) Math.ceil(ms(authorizeNanos[iterations / 2])),
                (int) Math.ceil(ms(issueNanos[iterations / 2])), MEMORY_MB);
        System.out.printf("cost per million logins (us-east-1 list prices, arm64 at %d MB, %d + %d ms billed):%n",
                MEMORY_MB, measured.authorizerBilledMs(), measured.tokenEndpointBilledMs());
        Map<String, Double> dollars = LoginCost.perMillion(measured);
        dollars.forEach((item, cost) -> System.out.printf("  %-48s $%7.3f%n", item, cost));
        System.out.printf("  %-48s $%7.3f%n", "total", dollars.values().stream().mapToDouble(Double::doubleValue).sum());
        System.out.println("logins per second that AWS's default quotas allow:");
        Map<String, Double> ceilings = LoginCost.ceilings(measured);
        ceilings.forEach((quota, ceiling) -> System.out.printf("  %-48s %s%n", quota,
                Double.isInfinite(ceiling) ? "no limit (not on the path)" : String.format("%,.0f", ceiling)));
        System.out.printf("  binding: %s%n", ceilings.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey());
        System.exit(0);
    }

    /** One token's logins: the first (a fresh environment), a warm-up, then {@code iterations} measured, in order. */
    private record Measured(long[] authorizeNanos, long[] issueNanos, String firstLogin, Map<String, Double> perLogin, int totalCalls) {
    }

    private static Measured measure(RegistryLogins logins, RegistryTokenIssuer issuer, String authorization, List<String> scope,
            AwsCallCounter calls, int iterations) {
        long[] authorizeNanos = new long[iterations];
        long[] issueNanos = new long[iterations];
        java.util.function.IntConsumer login = i -> {
            long start = System.nanoTime();
            var allowed = logins.authenticate(authorization, LOOPBACK).orElseThrow();
            long authorized = System.nanoTime();
            issuer.issue(allowed.username(), "registry.local", RegistryScope.grant(scope, allowed.namespace(),
                    allowed.permission(), allowed.repositories()));
            if (i >= 0) {
                authorizeNanos[i] = authorized - start;
                issueNanos[i] = System.nanoTime() - authorized;
            }
        };
        calls.reset(); // the token's creation
        login.accept(-1);
        String firstLogin = calls.toString(); // a fresh environment: its leaf certificate, the secret's first MAC
        calls.reset();
        for (int i = 0; i < Math.min(100, iterations); i++) {
            login.accept(-1); // warm-up: JIT, connections
        }
        calls.reset();
        for (int i = 0; i < iterations; i++) {
            login.accept(i);
        }
        Map<String, Double> perLogin = new java.util.TreeMap<>();
        for (String operation : List.of("BatchGetItem", "GetItem", "Query", "PutItem", "UpdateItem", "DeleteItem", "GenerateMac", "Sign",
                "GetPublicKey")) {
            if (calls.count(operation) > 0) {
                perLogin.put(operation, calls.count(operation) / (double) iterations);
            }
        }
        Measured measured = new Measured(authorizeNanos, issueNanos, firstLogin, perLogin, calls.total());
        calls.reset();
        return measured;
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }
}
