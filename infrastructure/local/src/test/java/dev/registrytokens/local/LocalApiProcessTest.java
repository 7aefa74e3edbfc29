package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.testkit.ProjectFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The README's curl walk-through, over real HTTP, against the local API running as its own process. */
@Tag("machine")
class LocalApiProcessTest {
    /** Where the runtime client copies its JNI library when left alone: one path for every runtime on the machine. */
    private static final String SHARED_TMP_COPY = "/tmp/.libaws-lambda-jni.so";
    private static LocalApiProcess api;
    private final String owner = "owner-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void startApi() throws Exception {
        api = LocalApiProcess.start(Map.of());
    }

    @AfterAll
    static void stopApi() {
        api.close();
    }

    private LocalApiProcess.Answer call(String method, String path, String bearer, String body, String... headers) throws Exception {
        return api.call(method, path, bearer, body, headers);
    }

    @Test
    void eachFunctionRunsInItsOwnLambdaRuntimeWithoutKeyVariablesAndIsPrimedBeforeItsFirstRequest() throws Exception {
        String bearer = api.bearerFor(owner, "runtimes");
        String id = call("POST", "/tokens", bearer, "{\"name\":\"ci\",\"permission\":\"PULL\",\"expiresInDays\":1}").body().get("id").asText();
        assertEquals(200, call("GET", "/tokens", bearer, null).status());
        assertEquals(200, call("GET", "/tokens/" + id, bearer, null).status());

        Map<String, Long> runtimeByFunction = new java.util.HashMap<>();
        for (ProcessHandle runtime : api.functionRuntimes()) {
            Path taskRoot = Files.readSymbolicLink(Path.of("/proc", Long.toString(runtime.pid()), "cwd"));
            assertEquals(ProjectFiles.root().resolve(".aws-sam/build"), taskRoot.getParent(), "runs from its sam build artefact");
            assertTrue(runtime.info().arguments().map(List::of).orElseThrow()
                    .contains("com.amazonaws.services.lambda.runtime.api.client.AWSLambda"), "under Lambda's runtime interface client");
            List<String> environment = List.of(Files.readString(Path.of("/proc", Long.toString(runtime.pid()), "environ")).split("\0"));
            assertTrue(environment.stream().noneMatch(v -> v.startsWith("AWS_ACCESS_KEY_ID=") || v.startsWith("AWS_SECRET_ACCESS_KEY=")
                    || v.startsWith("AWS_SESSION_TOKEN=")), () -> taskRoot + " has AWS key variables");
            assertTrue(environment.stream().anyMatch(v -> v.startsWith("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:")));
            assertTrue(environment.contains("AWS_LAMBDA_INITIALIZATION_TYPE=snap-start"));
            runtimeByFunction.put(taskRoot.getFileName().toString(), runtime.pid());
        }
        for (String function : List.of("CreateTokenFunction", "ListTokensFunction", "GetTokenFunction")) {
            assertTrue(runtimeByFunction.containsKey(function), () -> function + " has no runtime of its own: " + runtimeByFunction);
            String log = api.log();
            int primed = log.indexOf("[" + function + "] {\"snapStart\":\"beforeCheckpoint\"");
            int restored = log.indexOf("[" + function + "] {\"snapStart\":\"afterRestore\"}");
            int firstRequest = log.indexOf("[" + function + "] {\"requestId\":", log.indexOf("[" + function + "] {\"requestId\":\"snapstart-priming\"") + 1);
            assertTrue(primed > 0 && primed < restored && restored < firstRequest,
                    () -> function + ": beforeCheckpoint, then afterRestore, then its first request\n" + log);
        }
    }

    @Test
    void eachRuntimeLoadsTheClientsJniLibraryFromTheBuildNeverFromTheSharedTmp() throws Exception {
        // The build may itself live under /tmp (a fresh clone): what matters is not the one path every runtime shares.
        // The client would copy it to one /tmp path at every start, over a copy another starting runtime maps.
        assertEquals(200, call("GET", "/openapi.json", null, null).status());
        String property = "-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI=";
        List<ProcessHandle> runtimes = api.functionRuntimes();
        assertFalse(runtimes.isEmpty());
        for (ProcessHandle runtime : runtimes) {
            String library = runtime.info().arguments().map(List::of).orElseThrow().stream()
                    .filter(argument -> argument.startsWith(property)).findFirst().orElseThrow().substring(property.length());
            assertTrue(Files.isRegularFile(Path.of(library)) && !library.equals(SHARED_TMP_COPY), library);
            String maps = Files.readString(Path.of("/proc", Long.toString(runtime.pid()), "maps"));
            assertTrue(maps.contains(library) && !maps.contains(SHARED_TMP_COPY), () -> "loaded: " + maps);
        }
    }

    @Test
    void walksThroughEveryActionOverHttp() throws Exception {
        String bearer = api.bearerFor(owner, "walk");
        LocalApiProcess.Answer created = call("POST", "/tokens", bearer, "{\"name\":\"ci-pull\",\"permission\":\"PULL\",\"expiresInDays\":30}");
        assertEquals(201, created.status(), () -> created.body().toString());
        assertEquals("walk+ci-pull", created.body().get("username").asText());
        assertTrue(created.body().get("secret").asText().startsWith("rgt_"));
        String id = created.body().get("id").asText();

        LocalApiProcess.Answer listed = call("GET", "/tokens?limit=10", bearer, null);
        assertEquals(200, listed.status());
        assertEquals(id, listed.body().at("/items/0/id").asText());

        LocalApiProcess.Answer got = call("GET", "/tokens/" + id, bearer, null);
        assertEquals(200, got.status());
        assertFalse(got.body().has("secret"));
        assertEquals("\"1\"", got.headers().get("etag").getFirst());

        LocalApiProcess.Answer edited = call("PATCH", "/tokens/" + id, bearer, "{\"permission\":\"PULL_PUSH\"}", "If-Match", "\"1\"");
        assertEquals(200, edited.status());
        assertEquals("PULL_PUSH", edited.body().get("permission").asText());
        assertEquals(412, call("PATCH", "/tokens/" + id, bearer, "{\"description\":\"x\"}", "If-Match", "1").status());

        LocalApiProcess.Answer reset = call("POST", "/tokens/" + id + "/reset", bearer, null);
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
        LocalApiProcess.Answer answer = call("POST", "/tokens", tampered, "{\"name\":\"x\",\"permission\":\"PULL\",\"expiresInDays\":1}");
        assertEquals(401, answer.status());
        assertEquals("Unauthorized", answer.body().get("message").asText());
        assertEquals("unauthorized", answer.body().at("/error/code").asText());
        assertTrue(answer.body().at("/error/field").isNull());
    }

    @Test
    void answersApiGatewaysNotFoundForUnknownRoutes() throws Exception {
        assertEquals(404, call("GET", "/nothing-here", null, null).status());
    }

    private static java.net.http.HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(api.uri(path)).method(method, java.net.http.HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void answersCorsPreflightsFromTheConsoleItselfOnEveryPathWithoutAnyAuthorizerOrFunction() throws Exception {
        for (String path : List.of("/namespaces", "/namespaces/walk/tokens/01kb5x3h8q2m6n4p7r9s0t1v2w", "/tokens", "/nothing/here")) {
            var preflight = send("OPTIONS", path, "Origin", api.consoleOrigin(), "Access-Control-Request-Method", "PATCH",
                    "Access-Control-Request-Headers", "authorization,content-type,if-match");
            assertEquals(204, preflight.statusCode(), path);
            assertEquals(api.consoleOrigin(), preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null), path);
            assertEquals("GET,POST,PUT,PATCH,DELETE", preflight.headers().firstValue("Access-Control-Allow-Methods").orElse(null));
            assertEquals("authorization,content-type,if-match", preflight.headers().firstValue("Access-Control-Allow-Headers").orElse(null));
            assertEquals("600", preflight.headers().firstValue("Access-Control-Max-Age").orElse(null));
            assertTrue(preflight.body().isEmpty());
        }
        for (String otherOrigin : List.of("http://127.0.0.1:" + api.port, "https://evil.example")) {
            var preflight = send("OPTIONS", "/namespaces", "Origin", otherOrigin, "Access-Control-Request-Method", "GET");
            assertEquals(204, preflight.statusCode());
            assertTrue(preflight.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), otherOrigin + " is not allowed");
        }
        assertTrue(api.accessLines().stream().anyMatch(line -> line.method().equals("OPTIONS") && line.path().equals("/tokens")
                && line.status() == 204), "the preflight has its access line");
    }

    @Test
    void putsTheConsolesCorsHeadersOnEveryOtherAnswerAndUnservedMethodsStayA405WithAllow() throws Exception {
        String bearer = api.bearerFor(owner, "cors");
        var listed = send("GET", "/namespaces", "Origin", api.consoleOrigin(), "Authorization", "Bearer " + bearer);
        assertEquals(200, listed.statusCode(), listed.body());
        assertEquals(api.consoleOrigin(), listed.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("etag", listed.headers().firstValue("Access-Control-Expose-Headers").orElse(null));
        var unauthorized = send("GET", "/tokens", "Origin", api.consoleOrigin());
        assertEquals(401, unauthorized.statusCode());
        assertEquals(api.consoleOrigin(), unauthorized.headers().firstValue("Access-Control-Allow-Origin").orElse(null),
                "the console can read the gateway's own 401");
        assertTrue(send("GET", "/namespaces", "Authorization", "Bearer " + bearer).headers().firstValue("Access-Control-Allow-Origin").isEmpty(),
                "no CORS headers without an Origin");
        LocalApiProcess.Answer put = call("PUT", "/tokens", bearer, null);
        assertEquals(405, put.status());
        assertEquals(List.of("GET, POST"), put.headers().get("allow"));
        assertEquals(405, send("HEAD", "/namespaces").statusCode());
        assertEquals(404, call("DELETE", "/nothing/here", null, null).status());
    }

    @Test
    void refusesAnIdTokenAndAnAccessTokenWithoutTheManagementScopeWith403() throws Exception {
        var tokens = api.signInAsTheConsole(owner, "openid registry-tokens/manage");
        String accessToken = tokens.get("access_token").asText();
        String idToken = tokens.get("id_token").asText();
        assertEquals(200, call("GET", "/namespaces", accessToken, null).status(), "the access token, granted the scope");
        String create = "{\"name\":\"by-id-token\",\"permission\":\"PULL\",\"expiresInDays\":1}";
        for (String refused : List.of(idToken, api.signInAsTheConsole(owner, "openid").get("access_token").asText())) {
            LocalApiProcess.Answer answer = call("GET", "/namespaces", refused, null);
            assertEquals(403, answer.status());
            assertEquals("Forbidden", answer.body().get("message").asText());
            assertEquals("forbidden", answer.body().at("/error/code").asText());
            assertEquals(403, call("POST", "/tokens", refused, create).status());
        }
        assertEquals(0, call("GET", "/tokens", accessToken, null).body().get("items").size(), "nothing was created");
    }

    @Test
    void malformedPercentEncodingIsA400InEveryQueryAndFormThroughTheGateway() throws Exception {
        String namespace = "enc" + UUID.randomUUID().toString().substring(0, 8);
        var token = api.createRegistryToken(namespace, "ci", "PULL");
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(
                (token.username() + ":" + token.secret()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // java.net.URI refuses such a URL, so these go as raw HTTP, as any client may send them. The gateway's HTTP
        // server refuses the request line itself, with a 400 of its own (the functions' 400 invalid_request for the same
        // query is tested on each handler); a form body reaches the function, which answers the route's error shape.
        for (String target : List.of("/v2/token?service=registry.local&scope=%zz", "/tokens?cursor=%zz")) {
            String answer = rawGet(target, "Authorization: " + basic);
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        }
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            var form = http.send(java.net.http.HttpRequest.newBuilder(api.uri("/v2/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=password&username=" + token.username()
                            + "&password=%zz&service=registry.local")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            LocalApiProcess.assertDescribed(form);
            assertEquals(400, form.statusCode(), form::body);
            assertTrue(form.body().contains("\"error\":\"invalid_request\""), form::body);
        }
    }

    /** A GET written by hand on a socket (the request line exactly as given); the whole answer as text. */
    private static String rawGet(String target, String header) throws Exception {
        try (var socket = new java.net.Socket("127.0.0.1", api.port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + header
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
