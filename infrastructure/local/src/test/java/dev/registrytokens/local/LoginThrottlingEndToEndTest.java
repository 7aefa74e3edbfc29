package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.registrytokens.core.Secrets;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
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
 * <p>
 * The function runs as deployed, on the real clock, so no clock can be handed to it. The test is made immune to a
 * window boundary instead: the addresses are this run's own (nothing counted before counts), the window is an hour,
 * the logins start only with {@link #LOGINS_TAKE_AT_MOST} left in it, and each login checks the window has not passed.
 */
@Tag("machine")
class LoginThrottlingEndToEndTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int FAILURES_PER_SOURCE = 3;
    private static final Duration FAILURE_WINDOW = Duration.ofHours(1);
    /** Far more than the test's logins take, even on a loaded machine. */
    private static final Duration LOGINS_TAKE_AT_MOST = Duration.ofMinutes(2);
    /** Two loopback addresses (all of 127/8 is the loopback interface) that no earlier run has used. */
    private static final String NETWORK = "127." + (1 + RANDOM.nextInt(254)) + "." + (1 + RANDOM.nextInt(254)) + ".";
    private static final String ATTACKER = NETWORK + "2";
    private static final String OWNER = NETWORK + "3";
    private static LocalApiProcess api;
    /** The failure window the logins run in. */
    private long window;

    @BeforeAll
    static void startApi() throws Exception {
        api = LocalApiProcess.start(Map.of("LoginFailuresPerSource", Integer.toString(FAILURES_PER_SOURCE),
                "LoginFailureWindowSeconds", Long.toString(FAILURE_WINDOW.toSeconds())));
    }

    /** The function's window (epoch seconds divided by the window's length), from the clock it shares with this test. */
    private static long currentWindow() {
        return Instant.now().getEpochSecond() / FAILURE_WINDOW.toSeconds();
    }

    /** Waits, if the window ends within {@link #LOGINS_TAKE_AT_MOST}, for the next one. */
    private static long windowWithRoomForTheLogins() throws InterruptedException {
        long seconds = FAILURE_WINDOW.toSeconds();
        long now = Instant.now().getEpochSecond();
        long left = seconds - now % seconds;
        if (left < LOGINS_TAKE_AT_MOST.toSeconds()) {
            Thread.sleep(Duration.ofSeconds(left + 1));
        }
        return currentWindow();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    /** GET /v2/token with Basic credentials, sent from {@code from}, claiming in X-Forwarded-For to be {@code forwardedFor}. */
    private int login(String from, String forwardedFor, String username, String secret) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(api.uri("/v2/token?service=registry.local"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8)))
                .header("X-Forwarded-For", forwardedFor)
                .build();
        try (HttpClient http = HttpClient.newBuilder().localAddress(InetAddress.getByName(from)).build()) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            LocalApiProcess.assertDescribed(response);
            assertEquals(window, currentWindow(), "the logins outlasted their failure window: its counts no longer add up");
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

        window = windowWithRoomForTheLogins();
        for (int i = 0; i < FAILURES_PER_SOURCE + 2; i++) {
            assertEquals(403, login(ATTACKER, OWNER, username, Secrets.generate()), "a wrong secret is denied");
        }
        assertEquals(403, login(ATTACKER, OWNER, username, secret), "the attacker's own address is over its limit");
        assertEquals(200, login(OWNER, ATTACKER, username, secret), "the owner's address was never counted");
        assertEquals(200, login(ATTACKER, OWNER, username, secret),
                "verified by now, the secret is accepted even from the address over its limit: no KMS call, no guess");
    }
}
