package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.testkit.ProjectFiles;
import java.io.IOException;
import dev.registrytokens.testkit.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Schemathesis fuzzes every operation of the local API's own /openapi.json, as an account with a bearer JWT, with every
 * check it has: no server error; every status, content type, header and body one the document describes; every request
 * the document allows accepted (positive data acceptance) and every one it forbids refused (negative data rejection);
 * and its stateful and authorization checks. Two answers are exempted, and only these ({@link #EXEMPTIONS}): a
 * schema-valid request can name a state that does not exist, which the document cannot rule out. One check is held to
 * what API Gateway does instead of schemathesis's default ({@link #HOOKS}): an HTTP API routes only ANY, GET, POST,
 * PUT, PATCH, DELETE, HEAD and OPTIONS (and ANY would take the CORS preflight too), so API Gateway answers any other
 * method (TRACE, QUERY) 404 Not Found before any route, and so does the local gateway; every undeclared method of
 * those must be 405 with Allow, as schemathesis's own check requires. A 413 for a body over the server's limit counts
 * as the rejection it is. Its summary goes to
 * target/schemathesis/summary.txt, which ./dev test prints.
 */
@Tag("machine")
class OpenApiFuzzingTest {
    /** Test cases per operation and phase: about a minute in all on the 2-core development machine. */
    private static final int EXAMPLES_PER_OPERATION = 25;
    /** Fixed, so that a failure found once is found again on the next run; change it to explore further. */
    private static final int SEED = 1;
    /** The answers positive data acceptance expects by default (schemathesis 4), to which each exemption adds one. */
    private static final String ACCEPTED = "\"2xx\", \"3xx\", \"401\", \"403\", \"404\", \"409\", \"429\", \"5xx\"";
    /**
     * The only answers to schema-valid requests that are not acceptances, in schemathesis's configuration:
     * <ol>
     * <li>412 from a write whose If-Match is any well-formed entity-tag: the grammar admits every tag, and only the
     * token's (or the namespace policy's) current version matches one (a version number the fuzzer cannot know).</li>
     * <li>400 from {@code POST /v2/token}'s password grant, and only with {@code invalid_grant}: the fields are well formed,
     * but no registry token has those credentials. {@link #HOOKS} fails every other 400 there.</li>
     * </ol>
     */
    private static final String EXEMPTIONS = """
            [[operations]]
            include-name-regex = "^((PATCH|POST|DELETE) (/namespaces/\\\\{namespace\\\\})?/tokens/\\\\{id\\\\}|PUT /namespaces/\\\\{namespace\\\\}/policy)"
            checks.positive_data_acceptance.expected-statuses = [%1$s, "412"]

            [checks.negative_data_rejection]
            expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]

            [[operations]]
            include-name = "POST /v2/token"
            checks.positive_data_acceptance.expected-statuses = [%1$s, "400"]
            """.formatted(ACCEPTED);
    /** Holds exemption 2 to {@code invalid_grant}: a schema-valid token request refused with any other 400 fails. */
    private static final String HOOKS = """
            import schemathesis

            @schemathesis.check
            def password_grant_refused_only_as_invalid_grant(ctx, response, case):
                if case.operation.label != "POST /v2/token" or response.status_code != 400:
                    return None
                if case.meta is None or not case.meta.generation.mode.is_positive:
                    return None
                error = response.json().get("error")
                if error != "invalid_grant":
                    raise AssertionError(f"A schema-valid token request was refused with 400 {error}, not invalid_grant")
                return None

            from schemathesis.specs.openapi.checks import unsupported_method

            @schemathesis.check
            def unsupported_method_as_api_gateway_answers_it(ctx, response, case):
                if response.request.method not in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
                    if response.status_code != 404 or response.json() != {"message": "Not Found"}:
                        raise AssertionError(f"{response.request.method} answered {response.status_code}, not API Gateway's 404 Not Found")
                    return None
                return unsupported_method(ctx, response, case)
            """;
    /** Its working directory too, where it keeps its own state. */
    private static final Path REPORTS = Path.of("target/schemathesis").toAbsolutePath();

    @Test
    void schemathesisWithEveryCheckFindsNoFailureButTheTwoExemptions() throws Exception {
        Path schemathesis = ProjectFiles.root().resolve(".venv/bin/schemathesis");
        assertTrue(Files.isExecutable(schemathesis), "schemathesis is installed into .venv by ./dev test");
        Files.createDirectories(REPORTS);
        // The bearer comes through the environment, so it is in no command line and no report.
        Path config = Files.writeString(REPORTS.resolve("schemathesis.toml"),
                "headers = { Authorization = \"Bearer ${SCHEMATHESIS_BEARER}\" }\n\n" + EXEMPTIONS);
        Path hooks = Files.writeString(REPORTS.resolve("exemptions.py"), HOOKS);
        Path output = REPORTS.resolve("output.txt");
        try (LocalApiProcess api = LocalApiProcess.start(Map.of())) {
            ProcessBuilder run = new ProcessBuilder(schemathesis.toString(), "--config-file", config.toString(), "--no-color",
                    "run", api.uri("/openapi.json").toString(), "--url", api.uri("").toString(),
                    "--checks", "all", "--exclude-checks", "unsupported_method", "--mode", "all", "--max-examples", Integer.toString(EXAMPLES_PER_OPERATION),
                    "--seed", Integer.toString(SEED), "--workers", "2", "--request-timeout", "30",
                    "--generation-database", "none", "--report", "junit", "--report-dir", REPORTS.toString())
                    .directory(REPORTS.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
            run.environment().put("SCHEMATHESIS_BEARER", api.bearerFor("fuzzer", "fuzzer"));
            run.environment().put("SCHEMATHESIS_HOOKS", hooks.toString());
            Process process = Processes.start(run);
            assertTrue(process.waitFor(10, TimeUnit.MINUTES), "schemathesis ran over 10 minutes");
            String report = Files.readString(output);
            String summary = summary(report);
            Files.writeString(REPORTS.resolve("summary.txt"), summary + "\n");
            System.out.println(summary);
            assertEquals(0, process.exitValue(), () -> summary + "\n" + report + "\n" + serverErrors(api));
        }
    }

    /** The functions' access lines of every 5xx, which name the cause (a 503's dependency and its trouble). */
    private static String serverErrors(LocalApiProcess api) {
        try {
            return "the local API's 5xx access lines:\n" + String.join("\n",
                    api.log().lines().filter(line -> line.matches(".*\"status\":5\\d\\d.*")).limit(20).toList());
        } catch (IOException e) {
            return "the local API's log could not be read: " + e;
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
