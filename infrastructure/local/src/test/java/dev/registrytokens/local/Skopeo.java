package dev.registrytokens.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The skopeo client, as a registry user runs it. Credentials go in through stdin or --creds, never argv logs. */
final class Skopeo {
    static final String BINARY = "/usr/bin/skopeo";

    record Result(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    private final Path authFile;

    Skopeo(Path workDir) {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is missing: ./dev test installs it (apt package skopeo)");
        }
        this.authFile = workDir.resolve("auth.json");
    }

    Result login(String registry, String username, String secret) throws Exception {
        return run(secret, "login", "--tls-verify=false", "--authfile", authFile.toString(), "-u", username, "--password-stdin", registry);
    }

    Result push(Path layout, String tag, String destination, String username, String secret) throws Exception {
        return run(null, "copy", "--dest-tls-verify=false", "--dest-creds", username + ":" + secret,
                "oci:" + layout + ":" + tag, "docker://" + destination);
    }

    Result pull(String source, Path layout, String tag, String username, String secret) throws Exception {
        return run(null, "copy", "--src-tls-verify=false", "--src-creds", username + ":" + secret,
                "docker://" + source, "oci:" + layout + ":" + tag);
    }

    private Result run(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(BINARY, "--insecure-policy"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("skopeo timed out: " + String.join(" ", args));
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
