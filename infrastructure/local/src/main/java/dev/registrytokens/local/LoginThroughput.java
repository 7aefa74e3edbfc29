package dev.registrytokens.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Registry logins per second through a running local stack ({@code ./dev up}): a token made through the API, then
 * for each client count, that many clients asking the token endpoint for a pull JWT (Basic credentials, as a
 * registry client does), back to back for a fixed time. Every login goes through the gateway, the authorizer's and the
 * token endpoint's Lambda runtimes, and the AWS emulator.
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

            System.out.printf("registry logins through the local stack, %d s per row (after a warm-up):%n", seconds);
            for (int clients : clientCounts) {
                run(http, login, basic, clients, WARM_UP_SECONDS); // environments started, caches filled
                Result result = run(http, login, basic, clients, seconds);
                System.out.printf("  %2d clients: %7.1f logins/s  p50 %6.1f ms  p99 %6.1f ms  refused or failed: %d%n",
                        clients, result.succeeded() / (double) seconds, result.percentile(50), result.percentile(99), result.failed());
            }
        }
    }

    private record Result(int succeeded, int failed, double[] latenciesMs) {
        double percentile(int p) {
            return latenciesMs.length == 0 ? Double.NaN : latenciesMs[Math.min(latenciesMs.length - 1, latenciesMs.length * p / 100)];
        }
    }

    private static Result run(HttpClient http, URI login, String basic, int clients, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicInteger failed = new AtomicInteger();
        List<List<Double>> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            List<Double> mine = new ArrayList<>();
            latencies.add(mine);
            threads.add(Thread.ofPlatform().start(() -> {
                HttpRequest request = HttpRequest.newBuilder(login).header("Authorization", basic).build();
                while (System.nanoTime() < deadline) {
                    long started = System.nanoTime();
                    try {
                        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        if (status == 200) {
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
