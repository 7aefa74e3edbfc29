package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.registrytokens.testkit.AwsEmulator;
import dev.registrytokens.testkit.ProjectFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * The SAM CLI's own local runtime, for real: {@code sam local invoke} and {@code sam local start-lambda} (through
 * ./dev sam-local's {@link SamLocal}) run the sam build artefacts in the offline java25 image that ./dev test builds
 * (LAMBDA_IMAGE), in the Docker Engine it starts (DOCKER_HOST), against the test emulator's stack. Each answer is
 * compared with ./dev invoke's ({@link LocalInvoke}, the Docker-free runtime) for the same event: same status, same
 * body shape. The events are those in events/, made to name this stack's token where they name one.
 */
@Tag("machine")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SamLocalEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path work;
    private static Path resources;
    private static String image;
    /** The token that sam local created: the later events name it, so that each answer is a success. */
    private static JsonNode created;
    private static final Map<String, JsonNode> LOCAL_ANSWERS = new TreeMap<>();

    @BeforeAll
    static void stack() throws IOException {
        image = System.getenv("LAMBDA_IMAGE");
        if (image == null || image.isBlank() || System.getenv("DOCKER_HOST") == null || System.getenv("DOCKER_CLI") == null) {
            throw new IllegalStateException("LAMBDA_IMAGE, DOCKER_HOST and DOCKER_CLI are not all set: run the tests with ./dev test, which builds the image and starts a Docker Engine");
        }
        resources = work.resolve("resources.properties");
        Provision.writeResources(AwsEmulator.stack().physicalIds(), resources);
    }

    private static String endpoint() {
        return AwsEmulator.stack().endpoint().toString();
    }

    private static List<String> java(Class<?> main) {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName(),
                "--template", ProjectFiles.template().toString(), "--resources", resources.toString(), "--endpoint", endpoint()));
    }

    /** Runs a command to its end; its standard output (the function's answer) parsed, its standard error in the failure message. */
    private static JsonNode answerOf(List<String> command, Duration timeout) throws Exception {
        Path errors = Files.createTempFile(work, "stderr-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(errors.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command.get(3) + " did not finish within " + timeout + ": " + Files.readString(errors));
        }
        String stdout = new String(output, StandardCharsets.UTF_8).strip();
        assertEquals(0, process.exitValue(), () -> stdout + "\n" + tail(errors));
        String last = stdout.lines().reduce((first, second) -> second).orElse("");
        assertTrue(last.startsWith("{"), () -> "no answer on stdout: " + stdout + "\n" + tail(errors));
        return JSON.readTree(last);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static JsonNode localInvoke(String function, Path event) throws Exception {
        List<String> command = java(LocalInvoke.class);
        command.addAll(List.of("--emulator", LocalApiProcess.runtimeInterfaceEmulator(), "--function", function, "--event", event.toString()));
        JsonNode answer = answerOf(command, Duration.ofSeconds(120));
        LOCAL_ANSWERS.put(function, answer);
        return answer;
    }

    private static JsonNode samLocalInvoke(String function, Path event) throws Exception {
        List<String> command = java(SamLocal.class);
        command.addAll(List.of("--image", image, "--docker", System.getenv("DOCKER_CLI"), "--out", work.resolve("sam-" + function).toString(),
                "--", "invoke", function, "--event", event.toString()));
        return answerOf(command, Duration.ofSeconds(300));
    }

    /** An events/ file, with {@code change} applied, written for this run. */
    private static Path event(String file, java.util.function.Consumer<ObjectNode> change) throws IOException {
        ObjectNode event = (ObjectNode) JSON.readTree(ProjectFiles.event(file).toFile());
        change.accept(event);
        Path written = Files.createTempFile(work, file.replace(".json", "-"), ".json");
        JSON.writeValue(written.toFile(), event);
        return written;
    }

    /** The create event with a token name of its own, so that each runtime's create succeeds. */
    private static Path createEvent() throws IOException {
        return event("create-token.json", event -> {
            try {
                ObjectNode body = (ObjectNode) JSON.readTree(event.path("body").asText());
                body.put("name", "sam-" + UUID.randomUUID().toString().substring(0, 8));
                event.put("body", JSON.writeValueAsString(body));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static Path getEvent() throws IOException {
        String id = created.path("id").asText();
        return event("get-token.json", event -> {
            event.put("rawPath", "/tokens/" + id);
            event.withObject("/pathParameters").put("id", id);
            event.withObject("/requestContext/http").put("path", "/tokens/" + id);
        });
    }

    /** The authorizer's event with the created token's credentials. */
    private static Path authorizerEvent() throws IOException {
        String basic = "Basic " + Base64.getEncoder().encodeToString(
                (created.path("username").asText() + ":" + created.path("secret").asText()).getBytes(StandardCharsets.UTF_8));
        return event("registry-authorizer.json", event -> {
            event.putArray("identitySource").add(basic);
            event.withObject("/headers").put("authorization", basic);
        });
    }

    /** The token endpoint's event as its authorizer passes it on for the created token. */
    private static Path tokenEvent() throws IOException {
        return event("registry-token.json", event -> event.withObject("/requestContext/authorizer/lambda")
                .put("tokenId", created.path("id").asText()).put("username", created.path("username").asText())
                .put("permission", created.path("permission").asText()));
    }

    /** What the answer's fields are (names and JSON types, nested), not their values; an API answer's body parsed. */
    static JsonNode shape(JsonNode answer) throws IOException {
        if (answer.has("statusCode") && answer.path("body").isTextual()) {
            ObjectNode parsed = answer.deepCopy();
            String body = answer.path("body").asText();
            parsed.set("body", body.startsWith("{") || body.startsWith("[") ? JSON.readTree(body) : JSON.getNodeFactory().textNode(""));
            answer = parsed;
        }
        return shapeOf(answer);
    }

    private static JsonNode shapeOf(JsonNode node) {
        if (node.isObject()) {
            ObjectNode shape = JSON.createObjectNode();
            new TreeMap<String, JsonNode>(node.propertyStream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
                    .forEach((name, value) -> shape.set(name, name.equals("headers") ? JSON.getNodeFactory().textNode("headers") : shapeOf(value)));
            return shape;
        }
        if (node.isArray()) {
            return node.isEmpty() ? JSON.createArrayNode() : JSON.createArrayNode().add(shapeOf(node.get(0)));
        }
        return JSON.getNodeFactory().textNode(node.getNodeType().name());
    }

    private static void assertSameAnswer(JsonNode local, JsonNode sam) throws IOException {
        assertEquals(local.path("statusCode"), sam.path("statusCode"), () -> "./dev invoke: " + local + "\nsam local: " + sam);
        assertEquals(local.path("isAuthorized"), sam.path("isAuthorized"), () -> "./dev invoke: " + local + "\nsam local: " + sam);
        assertEquals(shape(local), shape(sam), () -> "./dev invoke: " + local + "\nsam local: " + sam);
    }

    @Test
    @Order(1)
    void createAnswersAsTheDockerFreeRuntimeDoes() throws Exception {
        JsonNode sam = samLocalInvoke("CreateTokenFunction", createEvent());
        assertEquals(201, sam.path("statusCode").asInt(), sam::toString);
        created = JSON.readTree(sam.path("body").asText());
        assertSameAnswer(localInvoke("CreateTokenFunction", createEvent()), sam);
    }

    @Test
    @Order(2)
    void getAnswersAsTheDockerFreeRuntimeDoes() throws Exception {
        Path event = getEvent();
        JsonNode sam = samLocalInvoke("GetTokenFunction", event);
        assertEquals(200, sam.path("statusCode").asInt(), sam::toString);
        assertSameAnswer(localInvoke("GetTokenFunction", event), sam);
    }

    @Test
    @Order(3)
    void theRegistryAuthorizerAnswersAsTheDockerFreeRuntimeDoes() throws Exception {
        Path event = authorizerEvent();
        JsonNode sam = samLocalInvoke("RegistryAuthorizerFunction", event);
        assertTrue(sam.path("isAuthorized").asBoolean(), sam::toString);
        assertSameAnswer(localInvoke("RegistryAuthorizerFunction", event), sam);
    }

    @Test
    @Order(4)
    void theTokenEndpointAnswersAsTheDockerFreeRuntimeDoes() throws Exception {
        Path event = tokenEvent();
        JsonNode sam = samLocalInvoke("RegistryTokenFunction", event);
        assertEquals(200, sam.path("statusCode").asInt(), sam::toString);
        assertSameAnswer(localInvoke("RegistryTokenFunction", event), sam);
    }

    @Test
    @Order(5)
    void startLambdaServesTheSameAnswersToAnSdkLambdaClient() throws Exception {
        int port = AwsEmulator.freePort();
        List<String> command = java(SamLocal.class);
        command.addAll(List.of("--image", image, "--docker", System.getenv("DOCKER_CLI"), "--out", work.resolve("sam-start-lambda").toString(),
                "--", "start-lambda", "--host", "127.0.0.1", "--port", Integer.toString(port)));
        Path log = Files.createTempFile(work, "start-lambda-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        Process samLocal = builder.start();
        try (LambdaClient lambda = LambdaClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .overrideConfiguration(config -> config.apiCallTimeout(Duration.ofMinutes(5)).apiCallAttemptTimeout(Duration.ofMinutes(5)))
                .build()) {
            awaitListening(port, samLocal, log);
            // A token of its own, which the later events name: as new as the one ./dev invoke's answers saw.
            Map<String, Callable<Path>> events = new java.util.LinkedHashMap<>();
            events.put("CreateTokenFunction", SamLocalEndToEndTest::createEvent);
            events.put("GetTokenFunction", SamLocalEndToEndTest::getEvent);
            events.put("RegistryAuthorizerFunction", SamLocalEndToEndTest::authorizerEvent);
            events.put("RegistryTokenFunction", SamLocalEndToEndTest::tokenEvent);
            for (var entry : events.entrySet()) {
                byte[] event = Files.readAllBytes(entry.getValue().call());
                InvokeResponse invoked = lambda.invoke(request -> request.functionName(entry.getKey()).payload(SdkBytes.fromByteArray(event)));
                assertEquals(200, invoked.statusCode());
                assertEquals(null, invoked.functionError(), () -> invoked.payload().asUtf8String());
                JsonNode answer = JSON.readTree(invoked.payload().asUtf8String());
                assertSameAnswer(LOCAL_ANSWERS.get(entry.getKey()), answer);
                if (entry.getKey().equals("CreateTokenFunction")) {
                    created = JSON.readTree(answer.path("body").asText());
                }
            }
        } finally {
            samLocal.destroy();
            if (!samLocal.waitFor(20, TimeUnit.SECONDS)) {
                samLocal.destroyForcibly();
            }
        }
    }

    /** Waits until something listens on the port: SAM's server, a grandchild of the process. */
    private static void awaitListening(int port, Process samLocal, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (!samLocal.isAlive()) {
                    throw new IllegalStateException("sam local start-lambda exited: " + Files.readString(log));
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("sam local start-lambda did not listen on " + port + " within 120 s: " + Files.readString(log));
    }

}
