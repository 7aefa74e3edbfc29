package dev.registrytokens.local;

import dev.registrytokens.testkit.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * infrastructure/containerd-fetch: containerd's own registry client resolving a reference and fetching its manifest
 * and first layer, with static credentials (passed in its environment, never in argv). ./dev builds it and names it
 * in CONTAINERD_FETCH_BINARY.
 */
final class ContainerdFetch {
    /** What one run did: the requests it sent to the token realm ("POST /v2/token 200") and the digests it fetched. */
    record Result(int exitCode, String output, List<String> tokenRequests, List<String> fetched) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    private ContainerdFetch() {
    }

    static Result fetch(String reference, String username, String secret) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(binary(), reference).redirectErrorStream(true);
        builder.environment().put("REGISTRY_USERNAME", username);
        builder.environment().put("REGISTRY_PASSWORD", secret);
        Process process = Processes.start(builder);
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("containerd-fetch timed out: " + reference);
        }
        List<String> lines = output.lines().toList();
        return new Result(process.exitValue(), output,
                lines.stream().filter(line -> line.startsWith("token-request ")).map(line -> line.substring("token-request ".length())).toList(),
                lines.stream().filter(line -> line.startsWith("manifest ") || line.startsWith("blob ")).toList());
    }

    private static String binary() {
        String path = System.getenv("CONTAINERD_FETCH_BINARY");
        if (path == null || !Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException("CONTAINERD_FETCH_BINARY does not name infrastructure/containerd-fetch's binary: run the tests with ./dev test");
        }
        return path;
    }
}
