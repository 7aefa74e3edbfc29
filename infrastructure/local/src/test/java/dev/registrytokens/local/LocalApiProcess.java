package dev.registrytokens.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.registrytokens.testkit.AwsEmulator;
import dev.registrytokens.testkit.OpenApiContract;
import dev.registrytokens.testkit.Processes;
import dev.registrytokens.testkit.ProjectFiles;
import dev.registrytokens.testkit.SamBuild;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The local API as ./dev up runs it: its own JVM, configured only through the environment the template
 * gives the functions, pointed at the test emulator's table and keys.
 */
final class LocalApiProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final Path log;
    final int port;
    final int issuerPort;

    private LocalApiProcess(Process process, Path log, int port, int issuerPort) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.issuerPort = issuerPort;
    }

    static LocalApiProcess start(Map<String, String> parameters) throws IOException {
        AwsEmulator.Stack stack = AwsEmulator.stack();
        int port = AwsEmulator.freePort();
        int issuerPort = AwsEmulator.freePort();
        Path log = Files.createTempFile("local-api-", ".log");
        Path resources = Files.createTempFile("resources-", ".properties");
        Provision.writeResources(stack.physicalIds(), resources);
        var command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                LocalApi.class.getName(),
                "--template", ProjectFiles.template().toString(),
                "--port", Integer.toString(port), "--issuer-port", Integer.toString(issuerPort),
                "--resources", resources.toString(),
                "--endpoint", stack.endpoint().toString(),
                "--emulator", runtimeInterfaceEmulator(),
                "--artefacts", SamBuild.artefacts().toString()));
        parameters.forEach((name, value) -> command.addAll(java.util.List.of("--param", name + "=" + value)));
        // The gateway calls no AWS service itself: the functions' runtimes get credentials from its container endpoint.
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        LocalApiProcess api = new LocalApiProcess(Processes.start(builder), log, port, issuerPort);
        Processes.awaitListening(port, api.process, log, Duration.ofSeconds(60));
        // The dev issuer listens on its own port: tests ask it for JWTs as soon as the API answers.
        Processes.awaitListening(issuerPort, api.process, log, Duration.ofSeconds(60));
        return api;
    }

    /** The aws-lambda-rie binary that ./dev installs and names in LOCAL_LAMBDA_RIE. */
    static String runtimeInterfaceEmulator() {
        String path = System.getenv("LOCAL_LAMBDA_RIE");
        if (path == null || !Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException("LOCAL_LAMBDA_RIE does not name the aws-lambda-rie binary: run the tests with ./dev test");
        }
        return path;
    }

    /** The functions' runtime JVMs, each the child of its Runtime Interface Emulator. */
    java.util.List<ProcessHandle> functionRuntimes() {
        return process.descendants()
                .filter(p -> p.info().command().map(command -> command.endsWith("/java")).orElse(false))
                .toList();
    }

    ProcessHandle processHandle() {
        return process.toHandle();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Where the console is served: another origin than the API's, as deployed. */
    String consoleOrigin() {
        return "http://localhost:" + port;
    }

    URI consoleUri(String path) {
        return URI.create(consoleOrigin() + path);
    }

    /**
     * The dev issuer's token answer (access_token, id_token when {@code scope} has openid, scope) to a sign-in of the
     * console as {@code account}, asking for {@code scope}: the authorization code flow with PKCE, as the console runs it.
     */
    JsonNode signInAsTheConsole(String account, String scope) throws Exception {
        String verifier = "v".repeat(43);
        String challenge = Base64Url.encode(java.security.MessageDigest.getInstance("SHA-256")
                .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String redirectUri = consoleUri("/console/").toString();
        String clientId = "registry-tokens-console";
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> signedIn = http.send(form("/authorize", Map.of("response_type", "code", "client_id", clientId,
                    "redirect_uri", redirectUri, "scope", scope, "state", "s", "code_challenge", challenge,
                    "code_challenge_method", "S256", "account", account)), HttpResponse.BodyHandlers.ofString());
            String location = signedIn.headers().firstValue("Location")
                    .orElseThrow(() -> new IllegalStateException("no redirect: " + signedIn.statusCode() + " " + signedIn.body()));
            String code = location.replaceFirst(".*[?&]code=([^&]+).*", "$1");
            HttpResponse<String> tokens = http.send(form("/token", Map.of("grant_type", "authorization_code", "code", code,
                    "client_id", clientId, "redirect_uri", redirectUri, "code_verifier", verifier)), HttpResponse.BodyHandlers.ofString());
            if (tokens.statusCode() != 200) {
                throw new IllegalStateException("the token endpoint answered " + tokens.statusCode() + ": " + tokens.body());
            }
            return JSON.readTree(tokens.body());
        }
    }

    private HttpRequest form(String path, Map<String, String> fields) {
        String body = String.join("&", fields.entrySet().stream()
                .map(field -> field.getKey() + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8)).toList());
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + issuerPort + path))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /**
     * The token endpoint, named as a registry's realm: by host name, since crane refuses a realm whose host is a
     * loopback or private IP literal.
     */
    String tokenRealm() {
        return "http://localhost:" + port + "/v2/token";
    }

    /** The gateway's access lines so far, one per request, oldest first. */
    java.util.List<Gateway.AccessLine> accessLines() throws IOException {
        var lines = new java.util.ArrayList<Gateway.AccessLine>();
        for (String line : log().lines().toList()) {
            if (line.startsWith(Gateway.ACCESS_LOG_PREFIX)) {
                lines.add(JSON.readValue(line.substring(Gateway.ACCESS_LOG_PREFIX.length()), Gateway.AccessLine.class));
            }
        }
        return lines;
    }

    record RegistryToken(String username, String secret) {
    }

    /** A registry token made through the API by the namespace's owner, valid for a day. */
    RegistryToken createRegistryToken(String namespace, String name, String permission) throws Exception {
        Answer answer = call("POST", "/tokens", bearerFor("owner-" + namespace, namespace),
                "{\"name\":\"" + name + "\",\"permission\":\"" + permission + "\",\"expiresInDays\":1}");
        if (answer.status() != 201) {
            throw new IllegalStateException("creating a token answered " + answer.status() + ": " + answer.body());
        }
        return new RegistryToken(answer.body().get("username").asText(), answer.body().get("secret").asText());
    }

    /** A bearer JWT from the process's dev issuer, as ./dev token prints it. */
    String bearerFor(String owner, String namespace) {
        return issue("sub=" + owner + "&namespace=" + namespace);
    }

    /** A bearer JWT whose registry_namespaces claim is {@code memberships} (NAMESPACE:ROLE pairs), and no namespace claim. */
    String bearerWithMemberships(String subject, String memberships) {
        return issue("sub=" + subject + "&namespaces=" + URLEncoder.encode(memberships, StandardCharsets.UTF_8));
    }

    private String issue(String query) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + issuerPort + "/token?" + query))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("the dev issuer answered " + answer.statusCode() + ": " + answer.body());
            }
            return answer.body().trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Answer(int status, Map<String, java.util.List<String>> headers, JsonNode body) {
    }

    /** One HTTP request to the API; {@code headers} are name, value pairs. The answer must be one the OpenAPI document describes. */
    Answer call(String method, String path, String bearer, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
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
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertDescribed(response);
            JsonNode json = response.body().isEmpty() || !response.headers().firstValue("content-type").orElse("").contains("json")
                    ? JSON.missingNode() : JSON.readTree(response.body());
            return new Answer(response.statusCode(), response.headers().map(), json);
        }
    }

    /** A GET whose body is text (the certificate). */
    String getText(String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
            assertDescribed(response);
            return response.body();
        }
    }

    /** Asserts that the OpenAPI document describes this answer of the API. */
    static void assertDescribed(HttpResponse<String> response) {
        Map<String, String> headers = new java.util.HashMap<>();
        response.headers().map().forEach((name, values) -> headers.put(name, values.getFirst()));
        OpenApiContract.assertDescribes(response.request().method(), response.uri().getRawPath(), response.statusCode(), headers, response.body());
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroy();
    }
}
