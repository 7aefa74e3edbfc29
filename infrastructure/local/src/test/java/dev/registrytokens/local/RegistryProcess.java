package dev.registrytokens.local;

import dev.registrytokens.testing.AwsEmulator;
import dev.registrytokens.testing.Processes;
import dev.registrytokens.testing.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real CNCF distribution registry (Debian's docker-registry), run from the project's
 * infrastructure/registry/config.yml with the same environment overrides ./dev up uses.
 */
final class RegistryProcess implements AutoCloseable {
    static final String BINARY = "/usr/bin/docker-registry";
    private final Process process;
    private final Path log;
    final int port;

    private RegistryProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static RegistryProcess start(String realm, Path rootCertBundle, Path storage) throws IOException {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is missing: ./dev test installs it (apt package docker-registry)");
        }
        int port = AwsEmulator.freePort();
        Path log = Files.createTempFile("registry-", ".log");
        ProcessBuilder builder = new ProcessBuilder(BINARY, "serve",
                ProjectFiles.root().resolve("infrastructure/registry/config.yml").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("REGISTRY_HTTP_ADDR", "127.0.0.1:" + port);
        builder.environment().put("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", storage.toString());
        builder.environment().put("REGISTRY_AUTH_TOKEN_REALM", realm);
        builder.environment().put("REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE", rootCertBundle.toString());
        RegistryProcess registry = new RegistryProcess(builder.start(), log, port);
        Processes.awaitListening(port, registry.process, log, Duration.ofSeconds(20));
        return registry;
    }

    String host() {
        return "127.0.0.1:" + port;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroy();
    }
}
