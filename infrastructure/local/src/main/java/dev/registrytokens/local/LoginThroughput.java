package dev.registrytokens.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Registry logins per second through a running local stack ({@code ./dev up}): a token made through the API, then
 * for each client count, that many clients asking the token endpoint for a pull JWT (Basic credentials, as a
 * registry client does), back to back for a fixed time. Every login goes through the gateway, the authorizer's and the
 * token endpoint's Lambda runtimes, and the AWS emulator. With {@code --api-log} (the stack's log) it also prints how
 * much of a login the two functions' own invocations took (their runtime's REPORT durations: our code and its AWS
 * call), and with {@code --resources} and {@code --endpoint} how many of the login's read the emulator serves alone at
 * the same concurrency: which of the emulator, the runtime bridge and our code sets the ceiling.
 */
public final class LoginThroughput {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WARM_UP_SECONDS = 5;

    private LoginThroughput() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        URI api = URI.create(args.get("api", "http://127.0.0.1:3000"));
        URI issuer = URI.create(args.get("issuer", "http://127.0.0.1:3001"));
        int seconds = Integer.parseInt(args.get("seconds", "10"));
        List<Integer> clientCounts = Arrays.stream(args.get("clients", "1,4,16").split(",")).map(Integer::parseInt).toList();
        String namespace = "tput" + UUID.randomUUID().toString().substring(0, 8);

        try (HttpClient http = HttpClient.newHttpClient()) {
            String bearer = http.send(HttpRequest.newBuilder(issuer.resolve("/token?sub=" + namespace + "&namespace=" + namespace)).build(),
                    HttpResponse.BodyHandlers.ofString()).body().trim();
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(api.resolve("/tokens"))
                    .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ci\",\"permission\":\"PULL\",\"expiresInDays\":1}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode token = JSON.readTree(created.body());
            String basic = "Basic " + Base64.getEncoder().encodeToString(
                    (token.get("username").asText() + ":" + token.get("secret").asText()).getBytes(StandardCharsets.UTF_8));
            URI login = api.resolve("/v2/token?service=registry.local&scope=repository:" + namespace + "/app:pull");

            Path apiLog = args.get("api-log", null) == null ? null : Path.of(args.get("api-log", null));
            System.out.printf("registry logins through the local stack, %d s per row (after a warm-up):%n", seconds);
            for (int clients : clientCounts) {
                run(http, login, basic, clients, WARM_UP_SECONDS); // environments started, caches filled
                long logFrom = apiLog == null ? 0 : Files.size(apiLog);
                Result result = run(http, login, basic, clients, seconds);
                System.out.printf("  %2d clients: %7.1f logins/s  p50 %6.1f ms  p99 %6.1f ms  refused or failed: %d%n",
                        clients, result.succeeded() / (double) seconds, result.percentile(50), result.percentile(99), result.failed());
                if (apiLog != null) {
                    printFunctionShare(apiLog, logFrom, result);
                }
            }
            if (args.get("resources", null) != null && args.get("endpoint", null) != null) {
                int clients = clientCounts.getLast();
                Result reads = emulatorReads(LocalApi.readResources(Path.of(args.require("resources"))), URI.create(args.require("endpoint")),
                        clients, seconds);
                System.out.printf("  the emulator alone, the login's BatchGetItem, %d clients: %7.1f reads/s  p50 %6.1f ms  p99 %6.1f ms  failed: %d%n",
                        clients, reads.succeeded() / (double) seconds, reads.percentile(50), reads.percentile(99), reads.failed());
            }
        }
    }

    /** A function's REPORT line in the stack's log: {@code [Function#2] REPORT RequestId: ... Duration: 3.21 ms ...}. */
    private static final Pattern REPORT = Pattern.compile("^\\[(RegistryAuthorizerFunction|RegistryTokenFunction)(#\\d+)?\\] REPORT .*?\\tDuration: ([0-9.]+) ms");

    /**
     * The authorizer's and the token endpoint's own invocation times in the run (the runtime's REPORT: from the
     * invoke reaching the runtime to the function's answer, our code and its AWS call), against the client's whole
     * login; the rest is the gateway, the emulator's and the bridge's hops, and waiting for a free environment.
     */
    private static void printFunctionShare(Path apiLog, long from, Result result) throws java.io.IOException {
        Map<String, List<Double>> durations = new java.util.TreeMap<>();
        try (var channel = Files.newByteChannel(apiLog)) {
            channel.position(from);
            var lines = new java.io.BufferedReader(java.nio.channels.Channels.newReader(channel, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                Matcher report = REPORT.matcher(line);
                if (report.find()) {
                    durations.computeIfAbsent(report.group(1), k -> new ArrayList<>()).add(Double.parseDouble(report.group(3)));
                }
            }
        }
        double inFunctions = 0;
        for (var function : durations.entrySet()) {
            double[] sorted = function.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double p50 = sorted[sorted.length / 2];
            inFunctions += p50;
            System.out.printf("      %-28s p50 %6.1f ms  p99 %6.1f ms  (%d invocations)%n", function.getKey(), p50,
                    sorted[Math.min(sorted.length - 1, sorted.length * 99 / 100)], sorted.length);
        }
        System.out.printf("      in the two functions (p50s added): %.1f ms of the login's p50 %.1f ms (%.0f%%); the rest is the gateway,"
                + " the runtime bridge and waiting for an environment%n", inFunctions, result.percentile(50),
                100 * inFunctions / result.percentile(50));
    }

    /** The login's one read, a BatchGetItem of two keys, sent straight to the emulator by {@code clients} at once. */
    private static Result emulatorReads(Map<String, String> resources, URI endpoint, int clients, int seconds) throws InterruptedException {
        try (DynamoDbClient dynamoDb = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        resources.get("Emulator.AdminAccessKeyId"), resources.get("Emulator.AdminSecretAccessKey")))).build()) {
            String table = resources.get("TokensTable");
            Map<String, AttributeValue> login = Map.of("pk", AttributeValue.fromS("LOGIN#probe"), "sk", AttributeValue.fromS("LOGIN#probe"));
            Map<String, AttributeValue> source = Map.of("pk", AttributeValue.fromS("SOURCE#probe"), "sk", AttributeValue.fromS("SOURCE#probe"));
            return measure(clients, seconds, () -> dynamoDb.batchGetItem(request -> request.requestItems(Map.of(table,
                    KeysAndAttributes.builder().keys(login, source).consistentRead(true).build()))).sdkHttpResponse().isSuccessful());
        }
    }

    private record Result(int succeeded, int failed, double[] latenciesMs) {
        double percentile(int p) {
            return latenciesMs.length == 0 ? Double.NaN : latenciesMs[Math.min(latenciesMs.length - 1, latenciesMs.length * p / 100)];
        }
    }

    private static Result run(HttpClient http, URI login, String basic, int clients, int seconds) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(login).header("Authorization", basic).build();
        return measure(clients, seconds, () -> http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    /** {@code clients} threads calling {@code call} back to back for {@code seconds}: the latencies of those that succeeded. */
    private static Result measure(int clients, int seconds, Callable<Boolean> call) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicInteger failed = new AtomicInteger();
        List<List<Double>> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            List<Double> mine = new ArrayList<>();
            latencies.add(mine);
            threads.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < deadline) {
                    long started = System.nanoTime();
                    try {
                        if (call.call()) {
                            mine.add((System.nanoTime() - started) / 1e6);
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double[] all = latencies.stream().flatMap(List::stream).mapToDouble(Double::doubleValue).sorted().toArray();
        return new Result(all.length, failed.get(), all);
    }
}
