package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.registrytokens.testing.AwsEmulator;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's curl walk-through, over real HTTP, against the local API running as its own process. */
@ExtendWith(AwsEmulator.class)
class LocalApiProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalApiProcess api;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String owner = "owner-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startApi() throws Exception {
        api = LocalApiProcess.start(Map.of());
    }

    @AfterAll
    static void stopApi() {
        api.close();
    }

    private record Answer(int status, Map<String, java.util.List<String>> headers, JsonNode body) {
    }

    private Answer call(String method, String path, String bearer, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.uri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isEmpty() ? JSON.missingNode() : JSON.readTree(response.body());
        return new Answer(response.statusCode(), response.headers().map(), json);
    }

    @Test
    void walksThroughEveryActionOverHttp() throws Exception {
        String bearer = api.bearerFor(owner, "walk");
        Answer created = call("POST", "/tokens", bearer, "{\"name\":\"ci-pull\",\"permission\":\"PULL\",\"expiresInDays\":30}");
        assertEquals(201, created.status(), () -> created.body().toString());
        assertEquals("walk+ci-pull", created.body().get("username").asText());
        assertTrue(created.body().get("secret").asText().startsWith("rgt_"));
        String id = created.body().get("id").asText();

        Answer listed = call("GET", "/tokens?limit=10", bearer, null);
        assertEquals(200, listed.status());
        assertEquals(id, listed.body().at("/items/0/id").asText());

        Answer got = call("GET", "/tokens/" + id, bearer, null);
        assertEquals(200, got.status());
        assertFalse(got.body().has("secret"));
        assertEquals("\"1\"", got.headers().get("etag").getFirst());

        Answer edited = call("PATCH", "/tokens/" + id, bearer, "{\"permission\":\"PULL_PUSH\"}", "If-Match", "\"1\"");
        assertEquals(200, edited.status());
        assertEquals("PULL_PUSH", edited.body().get("permission").asText());
        assertEquals(412, call("PATCH", "/tokens/" + id, bearer, "{\"description\":\"x\"}", "If-Match", "1").status());

        Answer reset = call("POST", "/tokens/" + id + "/reset", bearer, null);
        assertEquals(200, reset.status());
        assertTrue(reset.body().get("secret").asText().startsWith("rgt_"));

        assertEquals("DISABLED", call("POST", "/tokens/" + id + "/disable", bearer, null).body().get("status").asText());
        assertEquals("ENABLED", call("POST", "/tokens/" + id + "/enable", bearer, null).body().get("status").asText());

        assertEquals(404, call("GET", "/tokens/" + id, api.bearerFor("someone-else", "else"), null).status());
        assertEquals(204, call("DELETE", "/tokens/" + id, bearer, null).status());
        assertEquals(404, call("GET", "/tokens/" + id, bearer, null).status());
    }

    @Test
    void rejectsMissingAndInvalidBearerTokensWith401BeforeAnyHandlerRuns() throws Exception {
        assertEquals(401, call("GET", "/tokens", null, null).status());
        assertEquals(401, call("GET", "/tokens", "not.a.jwt", null).status());
        String valid = api.bearerFor(owner, "walk");
        String tampered = valid.substring(0, valid.length() - 4) + (valid.endsWith("AAAA") ? "BBBB" : "AAAA");
        Answer answer = call("POST", "/tokens", tampered, "{\"name\":\"x\",\"permission\":\"PULL\",\"expiresInDays\":1}");
        assertEquals(401, answer.status());
        assertEquals("Unauthorized", answer.body().get("message").asText());
    }

    @Test
    void answersApiGatewaysNotFoundForUnknownRoutes() throws Exception {
        assertEquals(404, call("GET", "/nothing-here", null, null).status());
    }
}
