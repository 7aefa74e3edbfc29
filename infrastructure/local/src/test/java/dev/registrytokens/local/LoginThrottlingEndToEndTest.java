package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.registrytokens.core.Secrets;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Registry logins through the local API, the authorizer in its own Lambda runtime: failures are counted against
 * the TCP peer's address, whatever X-Forwarded-For claims. Two loopback addresses stand in for two clients.
 */
@Tag("machine")
class LoginThrottlingEndToEndTest {
    private static final int FAILURES_PER_SOURCE = 3;
    private static final String ATTACKER = "127.0.0.2";
    private static final String OWNER = "127.0.0.3";
    private static LocalApiProcess api;

    @BeforeAll
    static void startApi() throws Exception {
        api = LocalApiProcess.start(Map.of("LoginFailuresPerSource", Integer.toString(FAILURES_PER_SOURCE)));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    /** GET /v2/token with Basic credentials, sent from {@code from}, claiming in X-Forwarded-For to be {@code forwardedFor}. */
    private static int login(String from, String forwardedFor, String username, String secret) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(api.uri("/v2/token?service=registry.local"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8)))
                .header("X-Forwarded-For", forwardedFor)
                .build();
        try (HttpClient http = HttpClient.newBuilder().localAddress(InetAddress.getByName(from)).build()) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            LocalApiProcess.assertDescribed(response);
            return response.statusCode();
        }
    }

    @Test
    void xForwardedForCannotChooseWhichAddressIsCounted() throws Exception {
        String namespace = "thr" + UUID.randomUUID().toString().substring(0, 8);
        var created = api.call("POST", "/tokens", api.bearerFor("owner-" + namespace, namespace),
                "{\"name\":\"ci\",\"permission\":\"PULL\",\"expiresInDays\":1}");
        assertEquals(201, created.status(), created.body()::toString);
        String username = created.body().get("username").asText();
        String secret = created.body().get("secret").asText();

        for (int i = 0; i < FAILURES_PER_SOURCE + 2; i++) {
            assertEquals(403, login(ATTACKER, OWNER, username, Secrets.generate()), "a wrong secret is denied");
        }
        assertEquals(403, login(ATTACKER, OWNER, username, secret), "the attacker's own address is over its limit");
        assertEquals(200, login(OWNER, ATTACKER, username, secret), "the owner's address was never counted");
        assertEquals(200, login(ATTACKER, OWNER, username, secret),
                "verified by now, the secret is accepted even from the address over its limit: no KMS call, no guess");
    }
}
