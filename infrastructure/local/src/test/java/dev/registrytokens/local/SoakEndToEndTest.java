package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.registrytokens.testkit.ProjectFiles;
import dev.registrytokens.testkit.TemplateResources;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The local API under load never stalls: with every routed function at its 4 execution environments (64 runtimes), 5,000
 * mixed requests are all answered, and {@code /console/} and the dev issuer answer every probe throughout. A thread dump
 * taken afterwards, with all 64 still running, shows why it holds: no virtual thread waits in native code, such as a read
 * of a runtime's pipe, where it would hold its carrier (the stall of issue 14: every carrier pinned under a log pump).
 */
@Tag("machine")
class SoakEndToEndTest {
    /** The local API's default bound per function, which the soak drives every function to. */
    private static final int ENVIRONMENTS = 4;
    private static final int REQUESTS = 5_000;
    private static final int CONCURRENCY = 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyRequestIsAnsweredAndTheConsoleAndIssuerAnswerThroughoutWithEveryEnvironmentRunning() throws Exception {
        Map<String, String> functions = Soak.functionsByHandler(TemplateResources.readTemplate(ProjectFiles.template()));
        try (LocalApiProcess api = LocalApiProcess.start(Map.of())) {
            Soak.Report report = Soak.against(api.uri(""), URI.create("http://127.0.0.1:" + api.issuerPort))
                    .run(ENVIRONMENTS, REQUESTS, CONCURRENCY, () -> Soak.Environments.of(api.processHandle(), functions));
            Soak.Environments held = report.environments();
            String figures = String.format("%d runtimes %s, %.1f GiB resident%n", held.total(), held.perFunction(), held.residentBytes() / (double) (1L << 30))
                    + String.join("\n", Soak.latencyLines(report.load())) + "\n" + String.join("\n", Soak.probeLines(report.probes()));
            System.out.println(figures);

            for (String function : Soak.routedFunctions()) {
                assertEquals(ENVIRONMENTS, held.perFunction().getOrDefault(function, 0), () -> function + "'s environments: " + held.perFunction());
            }
            assertEquals(ENVIRONMENTS * Soak.routedFunctions().size(), held.total(), () -> "runtimes: " + held.perFunction());
            assertEquals(64, held.total(), "16 routed functions, 4 environments each");

            assertEquals(REQUESTS, report.load().size());
            List<Soak.Outcome> unanswered = new ArrayList<>(report.warmUp());
            unanswered.addAll(report.load());
            unanswered.removeIf(outcome -> outcome.status() != Soak.NO_ANSWER);
            assertTrue(unanswered.isEmpty(), () -> unanswered.size() + " requests got no answer within " + Soak.REQUEST_TIMEOUT
                    + ": " + unanswered.stream().map(o -> o.kind().name()).collect(Collectors.groupingBy(k -> k, Collectors.counting())) + "\n" + figures);
            // A 500 is a failed invocation (an environment that died or timed out). The single-threaded emulator behind the
            // functions falls behind 16 clients now and then: its calls time out and the answer is the documented 503 (or,
            // for a login, the authorizer's fail-closed refusal), which is an answer.
            List<Soak.Outcome> failed = report.load().stream().filter(outcome -> outcome.status() >= 500 && outcome.status() != 503).toList();
            assertTrue(failed.isEmpty(), () -> failed.size() + " requests failed: " + failed.stream().limit(20).toList() + "\n" + figures);

            assertFalse(report.probes().isEmpty());
            assertEquals(2, report.probes().stream().map(Soak.Probe::target).distinct().count(), "both the console and the issuer were probed");
            List<Soak.Probe> missed = report.probes().stream().filter(probe -> probe.status() != 200).toList();
            assertTrue(missed.isEmpty(), () -> missed.size() + " of " + report.probes().size() + " probes got no 200 within "
                    + Soak.PROBE_TIMEOUT + ": " + missed + "\n" + figures);

            List<String> pinned = virtualThreadsInNativeCode(api.processHandle().pid());
            assertTrue(pinned.isEmpty(), () -> "virtual threads blocked in native code, each holding a carrier: " + pinned);
        }
    }

    /**
     * From a thread dump of the idle process (jcmd's JSON, which lists virtual threads): those in native code, such as a
     * read of a pipe ({@code FileInputStream.readBytes}); a virtual thread there cannot unmount and holds its carrier.
     */
    private static List<String> virtualThreadsInNativeCode(long pid) throws Exception {
        Path dump = Files.createTempDirectory("soak-threads").resolve("threads.json");
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid),
                "Thread.dump_to_file", "-format=json", dump.toString()).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes());
        assertTrue(jcmd.waitFor(60, TimeUnit.SECONDS) && jcmd.exitValue() == 0 && Files.exists(dump), () -> "jcmd: " + output);
        JsonNode containers = JSON.readTree(dump.toFile()).at("/threadDump/threadContainers");
        List<String> pinned = new ArrayList<>();
        int threads = 0;
        for (JsonNode container : containers) {
            for (JsonNode thread : container.path("threads")) {
                threads++;
                JsonNode stack = thread.path("stack");
                boolean virtual = thread.path("virtual").asBoolean(false);
                if (virtual && !stack.isEmpty() && stack.get(0).asText().endsWith("(Native Method)")) {
                    pinned.add(thread.path("tid").asText() + " " + stack);
                }
            }
        }
        assertTrue(threads > 64, "the dump lists the process's threads: " + threads);
        return pinned;
    }
}
