package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.registrytokens.testkit.AwsEmulator;
import dev.registrytokens.testkit.Processes;
import dev.registrytokens.testkit.ProjectFiles;
import dev.registrytokens.testkit.SamBuild;
import dev.registrytokens.testkit.TemplateResources;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@code ./dev invoke} of every function of the template, each in a fresh (cold, unprimed) local Lambda runtime,
 * while the machine is busy: registry logins hammer a local API and two threads keep the CPUs spinning, as when the
 * end-to-end suite runs beside it. Every function must answer as it would on an idle machine: no 5xx, no FAILED
 * custom resource, no denial for want of time.
 */
@Tag("machine")
class InvokeUnderLoadEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicBoolean LOADING = new AtomicBoolean(true);
    private static final AtomicInteger LOGINS = new AtomicInteger();
    private static final List<Thread> LOAD = new ArrayList<>();
    private static LocalApiProcess api;
    private static Path resources;

    @BeforeAll
    static void loadTheMachine() throws Exception {
        api = LocalApiProcess.start(Map.of("LoginFailuresPerSource", "1000"));
        resources = Files.createTempFile("resources-", ".properties");
        Provision.writeResources(AwsEmulator.stack().physicalIds(), resources);
        var token = api.createRegistryToken("busy" + Long.toHexString(System.nanoTime()), "load", "PULL");
        String basic = "Basic " + Base64.getEncoder().encodeToString((token.username() + ":" + token.secret()).getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 4; i++) {
            LOAD.add(Thread.ofPlatform().daemon().start(() -> {
                try (HttpClient http = HttpClient.newHttpClient()) {
                    while (LOADING.get()) {
                        http.send(HttpRequest.newBuilder(api.uri("/v2/token?service=registry.local&scope=repository:x/y:pull"))
                                .header("Authorization", basic).build(), HttpResponse.BodyHandlers.discarding());
                        LOGINS.incrementAndGet();
                    }
                } catch (Exception stopped) {
                    // the API went away at the end
                }
            }));
        }
        for (int i = 0; i < 2; i++) {
            LOAD.add(Thread.ofPlatform().daemon().start(() -> {
                long spin = 0;
                while (LOADING.get()) {
                    spin += System.nanoTime() % 7;
                }
                if (spin == 42) {
                    System.out.println("spun");
                }
            }));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        LOADING.set(false);
        for (Thread thread : LOAD) {
            thread.join(10_000);
        }
        System.out.println("logins served beside the invocations: " + LOGINS.get());
        if (api != null) {
            api.close();
        }
    }

    /** Every function of template.yaml, by logical id. */
    private static Stream<String> functions() {
        List<String> functions = new ArrayList<>();
        TemplateResources.readTemplate(ProjectFiles.template()).path("Resources").properties().forEach(resource -> {
            if ("AWS::Serverless::Function".equals(resource.getValue().path("Type").asText())) {
                functions.add(resource.getKey());
            }
        });
        return functions.stream();
    }

    /** Three at a time, so that the whole template takes a couple of minutes; each is checked on its own. */
    @Test
    void everyFunctionAnswersAsOnAnIdleMachine() throws Exception {
        List<String> functions = functions().toList();
        Map<String, Future<Invocation>> invocations = new LinkedHashMap<>();
        try (ExecutorService three = Executors.newFixedThreadPool(3)) {
            for (String function : functions) {
                invocations.put(function, three.submit(() -> invoke(function)));
            }
            List<Executable> checks = new ArrayList<>();
            for (var invocation : invocations.entrySet()) {
                Invocation answered = invocation.getValue().get();
                checks.add(() -> assertAnsweredAsOnAnIdleMachine(invocation.getKey(), answered));
            }
            assertAll(checks);
        }
        assertTrue(functions.contains("CertificateIssuerFunction") && functions.contains("TokenMigrationFunction"), functions::toString);
    }

    private static void assertAnsweredAsOnAnIdleMachine(String function, Invocation invocation) throws Exception {
        assertEquals(0, invocation.exitCode(), () -> function + ": " + invocation.logs());
        JsonNode response = JSON.readTree(invocation.stdout());
        if (invocation.logs().contains("CloudFormation received: ")) {
            String answer = invocation.logs().substring(invocation.logs().indexOf("CloudFormation received: "));
            assertTrue(answer.contains("\"Status\":\"SUCCESS\""), () -> function + ": " + invocation.logs());
        } else if (response.has("statusCode")) {
            assertTrue(response.get("statusCode").asInt() < 500, () -> function + ": " + invocation.logs());
        } else if (!function.equals("RegistryAuthorizerFunction")) {
            // A scheduled function (the outbox, the sweeps, the expiry notices): it answered, and nothing was thrown.
            assertTrue(!invocation.logs().contains("Exception"), () -> function + ": " + invocation.logs());
        } else {
            assertTrue(response.has("isAuthorized"), () -> function + ": " + invocation.logs());
            // The event's decision (priming's have no request id): a decision, not a dependency failure.
            List<String> decisions = invocation.logs().lines()
                    .filter(line -> line.contains("\"allowed\":") && !line.contains("\"requestId\":null")).toList();
            assertEquals(1, decisions.size(), () -> function + ": " + invocation.logs());
            assertTrue(decisions.getFirst().contains("\"failure\":null"), () -> function + ", no dependency failed: " + invocation.logs());
        }
    }

    private record Invocation(int exitCode, String stdout, String logs) {
    }

    /** What ./dev invoke runs: LocalInvoke in its own JVM, against the emulator and its resources. */
    private static Invocation invoke(String function) throws Exception {
        Path stdout = Files.createTempFile("invoke-", ".json");
        Path stderr = Files.createTempFile("invoke-", ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LocalInvoke.class.getName(),
                "--template", ProjectFiles.template().toString(), "--resources", resources.toString(),
                "--endpoint", AwsEmulator.stack().endpoint().toString(), "--emulator", LocalApiProcess.runtimeInterfaceEmulator(),
                "--artefacts", SamBuild.artefacts().toString(), "--function", function)
                .directory(ProjectFiles.root().toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
        Process process = Processes.start(builder);
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(function + " did not answer within 180 s: " + Files.readString(stderr));
        }
        return new Invocation(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }
}
