package dev.registrytokens.local;

import dev.registrytokens.testkit.AwsEmulator;
import dev.registrytokens.testkit.Processes;
import dev.registrytokens.testkit.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real CNCF distribution registry, run from the project's infrastructure/registry/config.yml with the same
 * environment overrides ./dev up uses.
 */
final class RegistryProcess implements AutoCloseable {
    /** The registries a deployment may run; tokens must work with each. */
    enum Version {
        /** Debian's docker-registry package. */
        DISTRIBUTION_2_8 {
            @Override
            Path binary() {
                Path binary = Path.of("/usr/bin/docker-registry");
                if (!Files.isExecutable(binary)) {
                    throw new IllegalStateException(binary + " is missing: ./dev test installs it (apt package docker-registry)");
                }
                return binary;
            }
        },
        /** Built with go install into the cache by ./dev, which names it in REGISTRY3_BINARY. */
        DISTRIBUTION_3 {
            @Override
            Path binary() {
                String path = System.getenv("REGISTRY3_BINARY");
                if (path == null || !Files.isExecutable(Path.of(path))) {
                    throw new IllegalStateException("REGISTRY3_BINARY does not name the distribution 3 registry: run the tests with ./dev test");
                }
                return Path.of(path);
            }
        };

        abstract Path binary();
    }

    private final Process process;
    private final Path log;
    final int port;

    private RegistryProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static RegistryProcess start(Version version, String realm, Path rootCertBundle, Path storage) throws IOException {
        int port = AwsEmulator.freePort();
        Path log = Files.createTempFile("registry-", ".log");
        ProcessBuilder builder = new ProcessBuilder(version.binary().toString(), "serve",
                ProjectFiles.root().resolve("infrastructure/registry/config.yml").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("REGISTRY_HTTP_ADDR", "127.0.0.1:" + port);
        builder.environment().put("REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", storage.toString());
        builder.environment().put("REGISTRY_AUTH_TOKEN_REALM", realm);
        builder.environment().put("REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE", rootCertBundle.toString());
        RegistryProcess registry = new RegistryProcess(Processes.start(builder), log, port);
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
