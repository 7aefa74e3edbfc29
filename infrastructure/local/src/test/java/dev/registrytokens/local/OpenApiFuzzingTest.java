package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.testing.AwsEmulator;
import dev.registrytokens.testing.ProjectFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Schemathesis fuzzes every operation of the local API's own /openapi.json, as an account with a bearer JWT: no
 * answer may be a server error, and every status, content type, header and body must be one the document describes.
 * Its summary goes to target/schemathesis/summary.txt, which ./dev test prints.
 */
@ExtendWith(AwsEmulator.class)
class OpenApiFuzzingTest {
    /** Test cases per operation and phase: about a minute in all on the 2-core development machine. */
    private static final int EXAMPLES_PER_OPERATION = 25;
    /** Fixed, so that a failure found once is found again on the next run; change it to explore further. */
    private static final int SEED = 1;
    private static final List<String> CHECKS = List.of("not_a_server_error", "status_code_conformance",
            "content_type_conformance", "response_headers_conformance", "response_schema_conformance");
    /** Its working directory too, where it keeps its own state. */
    private static final Path REPORTS = Path.of("target/schemathesis").toAbsolutePath();

    @Test
    void schemathesisFindsNoServerErrorAndNoAnswerTheDocumentDoesNotDescribe() throws Exception {
        Path schemathesis = ProjectFiles.root().resolve(".venv/bin/schemathesis");
        assertTrue(Files.isExecutable(schemathesis), "schemathesis is installed into .venv by ./dev test");
        Files.createDirectories(REPORTS);
        // The bearer comes through the environment, so it is in no command line and no report.
        Path config = Files.writeString(REPORTS.resolve("schemathesis.toml"),
                "headers = { Authorization = \"Bearer ${SCHEMATHESIS_BEARER}\" }\n");
        Path output = REPORTS.resolve("output.txt");
        try (LocalApiProcess api = LocalApiProcess.start(Map.of())) {
            ProcessBuilder run = new ProcessBuilder(schemathesis.toString(), "--config-file", config.toString(), "--no-color",
                    "run", api.uri("/openapi.json").toString(), "--url", api.uri("").toString(),
                    "--checks", String.join(",", CHECKS), "--max-examples", Integer.toString(EXAMPLES_PER_OPERATION),
                    "--seed", Integer.toString(SEED), "--workers", "2", "--request-timeout", "30",
                    "--generation-database", "none", "--report", "junit", "--report-dir", REPORTS.toString())
                    .directory(REPORTS.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
            run.environment().put("SCHEMATHESIS_BEARER", api.bearerFor("fuzzer", "fuzzer"));
            Process process = run.start();
            assertTrue(process.waitFor(10, TimeUnit.MINUTES), "schemathesis ran over 10 minutes");
            String report = Files.readString(output);
            String summary = summary(report);
            Files.writeString(REPORTS.resolve("summary.txt"), summary + "\n");
            System.out.println(summary);
            assertEquals(0, process.exitValue(), () -> summary + "\n" + report);
        }
    }

    /** "schemathesis: N test cases on M operations, F failures" from its SUMMARY section. */
    private static String summary(String report) {
        Matcher cases = Pattern.compile("Test cases:\\s*\\n\\s*(\\d+) generated").matcher(report);
        Matcher operations = Pattern.compile("Tested: (\\d+)").matcher(report);
        Matcher failures = Pattern.compile("=+ (\\d+) failures?").matcher(report);
        return "schemathesis: " + (cases.find() ? cases.group(1) : "?") + " test cases on "
                + (operations.find() ? operations.group(1) : "?") + " operations, "
                + (failures.find() ? failures.group(1) : "0") + " failures (seed " + SEED + ", " + EXAMPLES_PER_OPERATION
                + " examples per operation and phase; " + ProjectFiles.root().relativize(REPORTS.resolve("output.txt")) + ")";
    }
}
