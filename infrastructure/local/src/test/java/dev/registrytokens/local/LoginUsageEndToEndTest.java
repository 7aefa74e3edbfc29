package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.core.Secrets;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Usage per token through the local API, the authorizer in its own Lambda runtime on the real clock: logins from seven
 * loopback sources (127.0.0.2 to .8) with seven user agents, then refusals of the same token, all within a minute and
 * so gathered in the authorizer's one execution environment; the first login after the minute writes them. Get and
 * list then show the last five sources with their clients, and the refusals by reason.
 */
@Tag("machine")
class LoginUsageEndToEndTest {
    private static LocalApiProcess api;

    @BeforeAll
    static void startApi() throws Exception {
        api = LocalApiProcess.start(Map.of());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    /** GET /v2/token with Basic credentials from {@code from}, with {@code userAgent}: the answer's status. */
    private static int login(String from, String userAgent, String username, String secret) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(api.uri("/v2/token?service=registry.local"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8)))
                .header("User-Agent", userAgent)
                .build();
        try (HttpClient http = HttpClient.newBuilder().localAddress(InetAddress.getByName(from)).build()) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            LocalApiProcess.assertDescribed(response);
            return response.statusCode();
        }
    }

    @Test
    void sevenSourcesLeaveTheLastFiveAndRefusalsAreCountedByReason() throws Exception {
        String namespace = "use" + UUID.randomUUID().toString().substring(0, 8);
        String bearer = api.bearerFor("owner-" + namespace, namespace);
        var created = api.call("POST", "/tokens", bearer, "{\"name\":\"ci\",\"permission\":\"PULL\",\"expiresInDays\":1}");
        assertEquals(201, created.status(), created.body()::toString);
        String id = created.body().get("id").asText();
        String username = created.body().get("username").asText();
        String secret = created.body().get("secret").asText();

        assertEquals(200, login("127.0.0.2", "client2/1.2 (end-to-end; test)", username, secret));
        Instant firstWritten = Instant.now(); // the first login's usage write is done before its answer
        for (int i = 3; i <= 8; i++) {
            assertEquals(200, login("127.0.0." + i, "client" + i + "/1." + i + " (end-to-end; test)", username, secret));
        }
        assertEquals(403, login("127.0.0.9", "skopeo/1.16.1", username, Secrets.generate()));
        assertEquals(403, login("127.0.0.9", "skopeo/1.16.1", username, Secrets.generate()));
        assertEquals(200, api.call("POST", "/tokens/" + id + "/disable", bearer, null).status());
        assertEquals(403, login("127.0.0.8", "client8/1.8", username, secret));
        assertTrue(Duration.between(firstWritten, Instant.now()).toSeconds() < 50,
                "the logins outlasted the authorizer's minute between usage writes: the test's premise is gone");
        JsonNode firstWrite = api.call("GET", "/tokens/" + id, bearer, null).body();
        assertEquals(List.of("127.0.0.2"), ips(firstWrite), "within the minute only the first login wrote");

        Thread.sleep(Duration.between(Instant.now(), firstWritten.plusSeconds(62)));
        assertEquals(403, login("127.0.0.8", "client8/1.8", username, secret)); // the first after the minute: it writes

        JsonNode token = api.call("GET", "/tokens/" + id, bearer, null).body();
        assertEquals(List.of("127.0.0.8", "127.0.0.7", "127.0.0.6", "127.0.0.5", "127.0.0.4"), ips(token));
        List<String> clients = new ArrayList<>();
        token.get("recentSources").forEach(source -> clients.add(source.get("client").asText()));
        assertEquals(List.of("client8/1.8", "client7/1.7", "client6/1.6", "client5/1.5", "client4/1.4"), clients);
        assertEquals(Instant.parse(token.get("recentSources").get(0).get("lastUsedAt").asText()).getEpochSecond(),
                Instant.parse(token.get("lastUsedAt").asText()).getEpochSecond(), "lastUsedAt is the newest source's, in whole seconds");
        assertEquals(4, token.get("refusedLogins24h").asInt());
        assertEquals(Map.of("bad_secret", 2, "disabled", 2), Map.of(
                "bad_secret", token.get("refusedLogins24hByReason").path("bad_secret").asInt(),
                "disabled", token.get("refusedLogins24hByReason").path("disabled").asInt()));
        assertEquals(2, token.get("refusedLogins24hByReason").size());
        JsonNode lastRefusal = token.get("lastRefusal");
        assertEquals(List.of("127.0.0.8", "client8/1.8", "disabled"),
                List.of(lastRefusal.get("ip").asText(), lastRefusal.get("client").asText(), lastRefusal.get("reason").asText()));

        JsonNode listed = api.call("GET", "/tokens", bearer, null).body().get("items").get(0);
        assertEquals(token.get("recentSources"), listed.get("recentSources"), "list shows what get shows");
        assertEquals(token.get("lastRefusal"), listed.get("lastRefusal"));
    }

    private static List<String> ips(JsonNode token) {
        List<String> ips = new ArrayList<>();
        token.get("recentSources").forEach(source -> ips.add(source.get("ip").asText()));
        return ips;
    }
}
