package dev.registrytokens.local;

import dev.registrytokens.testkit.Processes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A registry client's command line, run as a user runs it but in a home directory of its own: the environment holds
 * only PATH, HOME and what the client is given, so no client reads another's credentials, caches or the developer's
 * own login.
 */
final class CommandLine {
    record Result(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    private final Path binary;
    private final Path home;
    private final Map<String, String> environment;

    CommandLine(Path binary, Path home) {
        this(binary, home, Map.of());
    }

    /** With these variables too (a daemon's address, where the client keeps its configuration). */
    CommandLine(Path binary, Path home, Map<String, String> environment) {
        this.binary = binary;
        this.home = home;
        this.environment = environment;
    }

    /** The binary that ./dev test builds into the cache and names in the environment variable {@code variable}. */
    static Path fromEnvironment(String variable) {
        String path = System.getenv(variable);
        if (path == null || !Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException(variable + " does not name the client's binary: run the tests with ./dev test");
        }
        return Path.of(path);
    }

    /** Runs the binary with {@code args}; {@code stdin} (a secret, or null) is its whole standard input. */
    Result run(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        String path = builder.environment().get("PATH");
        builder.environment().clear();
        builder.environment().put("PATH", path);
        builder.environment().put("HOME", home.toString());
        builder.environment().putAll(environment);
        Process process = Processes.start(builder);
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            // Not its arguments: a copy may carry credentials there.
            throw new IOException(binary.getFileName() + " did not finish within 60 s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
