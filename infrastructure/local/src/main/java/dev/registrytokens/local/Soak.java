package dev.registrytokens.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The soak of a running local API: first every routed function is driven to its full count of execution environments
 * (bursts of concurrent requests, as many rounds as it takes), then a stream of mixed requests (management API with the
 * dev issuer's JWTs, registry logins both ways, the public documents, unmatched routes) runs with bounded concurrency,
 * while {@code /console/} and the dev issuer are probed on a schedule throughout. Every request and probe is recorded
 * with its status ({@link #NO_ANSWER} when none came within its timeout) and duration. Shared by SoakEndToEndTest, which
 * asserts that everything was answered, and {@code ./dev bench soak}, which prints the figures.
 */
final class Soak {
    static final int NO_ANSWER = -1;
    /** Longer than any answer the gateway can give: a function's timeout (15 s) plus the invoke's 30 s of grace. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** What "answers throughout" means for the console and the issuer: each probe within this. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(500);
    private static final int WARM_UP_ROUNDS = 6;
    private static final String NAMESPACE = "soak";
    private static final String SERVICE = "registry.local";
    private static final String SCOPE = "repository:" + NAMESPACE + "/app:pull";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A kind of request, how often it comes in the mix, and the functions it runs; creates come first, for the others' tokens. */
    enum Kind {
        CREATE(6, "CreateTokenFunction"),
        LOGIN(24, "RegistryAuthorizerFunction", "RegistryTokenFunction"),
        OAUTH_LOGIN(10, "RegistryOAuthTokenFunction"),
        LIST(8, "ListTokensFunction"),
        GET(8, "GetTokenFunction"),
        EDIT(5, "EditTokenFunction"),
        RESET(4, "ResetTokenFunction"),
        DISABLE(4, "DisableTokenFunction"),
        ENABLE(4, "EnableTokenFunction"),
        DELETE(5, "DeleteTokenFunction"),
        NAMESPACES(5, "ListNamespacesFunction"),
        UNMATCHED(5, "UnmatchedRequestFunction"),
        JWKS(4, "JwksFunction"),
        CERTIFICATE(4, "CertificateFunction"),
        OPENAPI(4, "OpenApiFunction");

        final int weight;
        final List<String> functions;

        Kind(int weight, String... functions) {
            this.weight = weight;
            this.functions = List.of(functions);
        }
    }

    record Outcome(Kind kind, int status, long nanos) {
    }

    record Probe(String target, int status, long nanos) {
    }

    /** The running API's execution environments: runtime JVMs per function, and the resident memory of the whole tree. */
    record Environments(Map<String, Integer> perFunction, int total, long residentBytes) {
        /**
         * The descendants of the local API's process: each emulator's child is its runtime's JVM, whose last argument is
         * the function's handler, which the template's functions each have their own of.
         */
        static Environments of(ProcessHandle api, Map<String, String> functionByHandler) {
            Map<String, Integer> perFunction = new TreeMap<>();
            long resident = residentBytes(api.pid());
            int total = 0;
            for (ProcessHandle process : api.descendants().toList()) {
                resident += residentBytes(process.pid());
                String[] arguments = process.info().arguments().orElse(new String[0]);
                if (process.info().command().orElse("").endsWith("/java") && arguments.length > 0) {
                    perFunction.merge(functionByHandler.getOrDefault(arguments[arguments.length - 1], "?"), 1, Integer::sum);
                    total++;
                }
            }
            return new Environments(perFunction, total, resident);
        }

        private static long residentBytes(long pid) {
            try {
                return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                        .filter(line -> line.startsWith("VmRSS:"))
                        .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024).findFirst().orElse(0);
            } catch (IOException gone) {
                return 0;
            }
        }
    }

    record Report(List<Outcome> warmUp, List<Outcome> load, List<Probe> probes, Environments environments) {
    }

    private final URI api;
    private final URI issuer;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(PROBE_TIMEOUT).build();
    private final String bearer;
    private final List<String[]> logins = Collections.synchronizedList(new ArrayList<>());
    private final List<String> managed = Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentLinkedQueue<String> deletable = new ConcurrentLinkedQueue<>();
    private final AtomicInteger names = new AtomicInteger();
    private final Random random = new Random(1);

    /** The template's functions by handler, which tells a runtime's JVM (its last argument is its handler) apart. */
    static Map<String, String> functionsByHandler(JsonNode template) {
        Map<String, String> functions = new TreeMap<>();
        template.path("Resources").properties().forEach(resource -> {
            if (resource.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                functions.put(resource.getValue().at("/Properties/Handler").asText(), resource.getKey());
            }
        });
        return functions;
    }

    /** Every function a kind of request runs. */
    static List<String> routedFunctions() {
        return java.util.Arrays.stream(Kind.values()).flatMap(kind -> kind.functions.stream()).toList();
    }

    private Soak(URI api, URI issuer, String bearer) {
        this.api = api;
        this.issuer = issuer;
        this.bearer = bearer;
    }

    /** {@code api} and {@code issuer} are base URIs (no trailing slash). */
    static Soak against(URI api, URI issuer) throws IOException, InterruptedException {
        HttpResponse<String> token = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(issuer + "/token?sub=soak-owner&namespace=" + NAMESPACE)).timeout(PROBE_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        if (token.statusCode() != 200) {
            throw new IllegalStateException("the dev issuer answered " + token.statusCode() + ": " + token.body());
        }
        return new Soak(api, issuer, token.body().trim());
    }

    /**
     * Brings every function to {@code environments} execution environments, then sends {@code requests} mixed requests,
     * at most {@code concurrency} at a time; {@code environmentsNow} reports the API's environments at any moment.
     */
    Report run(int environments, int requests, int concurrency, java.util.function.Supplier<Environments> environmentsNow)
            throws InterruptedException {
        List<Probe> probes = Collections.synchronizedList(new ArrayList<>());
        ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("soak probes").factory());
        prober.scheduleWithFixedDelay(() -> {
            probes.add(probe("/console/", URI.create(api + "/console/")));
            probes.add(probe("dev issuer", URI.create(issuer + "/token?sub=soak-probe")));
        }, 0, PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        try {
            List<Outcome> warmUp = Collections.synchronizedList(new ArrayList<>());
            for (Kind kind : Kind.values()) {
                for (int round = 0; round < WARM_UP_ROUNDS && below(environmentsNow.get(), kind, environments); round++) {
                    warmUp.addAll(burst(kind, 2 * environments));
                }
            }
            Environments held = environmentsNow.get();
            List<Outcome> load = mixed(requests, concurrency);
            return new Report(warmUp, load, List.copyOf(probes), held);
        } finally {
            prober.shutdownNow();
            prober.awaitTermination(PROBE_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        }
    }

    private static boolean below(Environments now, Kind kind, int environments) {
        return kind.functions.stream().anyMatch(function -> now.perFunction().getOrDefault(function, 0) < environments);
    }

    /** {@code count} requests of one kind, released together so that they overlap. */
    private List<Outcome> burst(Kind kind, int count) throws InterruptedException {
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    start.await();
                    outcomes.add(send(kind));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        return outcomes;
    }

    private List<Outcome> mixed(int requests, int concurrency) throws InterruptedException {
        List<Kind> weighted = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            weighted.addAll(Collections.nCopies(kind.weight, kind));
        }
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        Semaphore slots = new Semaphore(concurrency);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            Kind kind = weighted.get(random.nextInt(weighted.size()));
            slots.acquire();
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    outcomes.add(send(kind));
                } finally {
                    slots.release();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return outcomes;
    }

    private Outcome send(Kind kind) {
        HttpRequest request = request(kind);
        long started = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long took = System.nanoTime() - started;
            remember(kind, response);
            return new Outcome(kind, response.statusCode(), took);
        } catch (IOException e) {
            return new Outcome(kind, NO_ANSWER, System.nanoTime() - started);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(kind, NO_ANSWER, System.nanoTime() - started);
        }
    }

    private Probe probe(String target, URI uri) {
        long started = System.nanoTime();
        try {
            int status = http.send(HttpRequest.newBuilder(uri).timeout(PROBE_TIMEOUT).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            return new Probe(target, status, System.nanoTime() - started);
        } catch (IOException e) {
            return new Probe(target, NO_ANSWER, System.nanoTime() - started);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Probe(target, NO_ANSWER, System.nanoTime() - started);
        }
    }

    private HttpRequest request(Kind kind) {
        return switch (kind) {
            case LOGIN -> {
                String[] login = login();
                yield plain("GET", "/v2/token?service=" + SERVICE + "&scope=" + encode(SCOPE))
                        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((login[0] + ":" + login[1]).getBytes(StandardCharsets.UTF_8)))
                        .build();
            }
            case OAUTH_LOGIN -> {
                String[] login = login();
                yield plain("POST", "/v2/token", "grant_type=password&service=" + SERVICE + "&scope=" + encode(SCOPE) + "&client_id=soak"
                        + "&username=" + encode(login[0]) + "&password=" + encode(login[1]))
                        .header("Content-Type", "application/x-www-form-urlencoded").build();
            }
            case CREATE -> management("POST", "/tokens",
                    "{\"name\":\"soak-" + names.incrementAndGet() + "\",\"permission\":\"PULL\",\"expiresInDays\":1}");
            case LIST -> management("GET", "/tokens?limit=20", null);
            case GET -> management("GET", "/tokens/" + managedId(), null);
            case EDIT -> management("PATCH", "/tokens/" + managedId(), "{\"description\":\"soak edit " + names.incrementAndGet() + "\"}");
            case RESET -> management("POST", "/tokens/" + managedId() + "/reset", null);
            case DISABLE -> management("POST", "/tokens/" + managedId() + "/disable", null);
            case ENABLE -> management("POST", "/tokens/" + managedId() + "/enable", null);
            case DELETE -> {
                String id = deletable.poll();
                yield management("DELETE", "/tokens/" + (id == null ? "00000000000000000000000000" : id), null);
            }
            case NAMESPACES -> management("GET", "/namespaces", null);
            case UNMATCHED -> random.nextBoolean() ? plain("GET", "/soak/nothing-here").build() : management("PUT", "/tokens", "{}");
            case JWKS -> plain("GET", "/.well-known/jwks.json").build();
            case CERTIFICATE -> plain("GET", "/certs.pem").build();
            case OPENAPI -> plain("GET", "/openapi.json").build();
        };
    }

    private HttpRequest.Builder plain(String method, String path) {
        return plain(method, path, null);
    }

    private HttpRequest.Builder plain(String method, String path, String body) {
        return HttpRequest.newBuilder(URI.create(api + path)).timeout(REQUEST_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpRequest management(String method, String path, String body) {
        HttpRequest.Builder request = plain(method, path, body).header("Authorization", "Bearer " + bearer);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return request.build();
    }

    /**
     * Created tokens feed the other kinds: the first two become the logins (never reset or disabled), the next eight the
     * tokens that get, edit, reset, disable and enable work on, and the rest are for deleting.
     */
    private void remember(Kind kind, HttpResponse<String> response) throws IOException {
        if (kind != Kind.CREATE || response.statusCode() != 201) {
            return;
        }
        JsonNode created = JSON.readTree(response.body());
        synchronized (logins) {
            if (logins.size() < 2) {
                logins.add(new String[] {created.get("username").asText(), created.get("secret").asText()});
                return;
            }
        }
        synchronized (managed) {
            if (managed.size() < 8) {
                managed.add(created.get("id").asText());
                return;
            }
        }
        deletable.add(created.get("id").asText());
    }

    /** A created token's username and secret; before any, one that names no token (refused). */
    private String[] login() {
        String[] login = pick(logins);
        return login == null ? new String[] {NAMESPACE + "+none", "rgt_none"} : login;
    }

    private String managedId() {
        String id = pick(managed);
        return id == null ? "00000000000000000000000000" : id;
    }

    private <T> T pick(List<T> list) {
        synchronized (list) {
            return list.isEmpty() ? null : list.get(random.nextInt(list.size()));
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Per kind: count, statuses seen, p50 and p99 in milliseconds. */
    static List<String> latencyLines(List<Outcome> outcomes) {
        Map<Kind, List<Outcome>> byKind = new EnumMap<>(Kind.class);
        outcomes.forEach(outcome -> byKind.computeIfAbsent(outcome.kind(), k -> new ArrayList<>()).add(outcome));
        List<String> lines = new ArrayList<>();
        lines.add(String.format("%-12s %6s %9s %9s  %s", "kind", "count", "p50 ms", "p99 ms", "statuses"));
        byKind.forEach((kind, list) -> lines.add(line(kind.name().toLowerCase(java.util.Locale.ROOT), list, Outcome::nanos, Outcome::status)));
        lines.add(line("all", outcomes, Outcome::nanos, Outcome::status));
        return lines;
    }

    static List<String> probeLines(List<Probe> probes) {
        Map<String, List<Probe>> byTarget = probes.stream().collect(Collectors.groupingBy(Probe::target, TreeMap::new, Collectors.toList()));
        List<String> lines = new ArrayList<>();
        byTarget.forEach((target, list) -> lines.add(line(target, list, Probe::nanos, Probe::status)
                + String.format("  max %.0f ms", list.stream().mapToLong(Probe::nanos).max().orElse(0) / 1e6)));
        return lines;
    }

    private static <T> String line(String name, List<T> items, java.util.function.ToLongFunction<T> nanos, Function<T, Integer> status) {
        long[] sorted = items.stream().mapToLong(nanos).sorted().toArray();
        Map<Integer, Long> statuses = items.stream().collect(Collectors.groupingBy(status, TreeMap::new, Collectors.counting()));
        return String.format("%-12s %6d %9.1f %9.1f  %s", name, sorted.length, percentile(sorted, 50), percentile(sorted, 99),
                statuses.entrySet().stream().map(e -> (e.getKey() == NO_ANSWER ? "none" : e.getKey()) + "×" + e.getValue())
                        .collect(Collectors.joining(" ")));
    }

    /** Nearest-rank percentile, in milliseconds. */
    private static double percentile(long[] sorted, int percent) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
