package dev.registrytokens.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The docker CLI as a user runs it, against the Docker Engine that ./dev test starts (DOCKER_HOST) and with a
 * configuration folder of its own (DOCKER_CONFIG), so each instance stores its own credentials. Debian's docker.io
 * CLI ({@code DOCKER_CLI}): its {@code docker build} has BuildKit built in.
 */
final class DockerCli {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CommandLine cli;
    private final CommandLine buildKit;
    private final Path config;

    DockerCli(Path home) {
        String host = System.getenv("DOCKER_HOST");
        if (host == null || host.isBlank()) {
            throw new IllegalStateException("DOCKER_HOST names no Docker Engine: run the tests with ./dev test, which starts one");
        }
        Path binary = CommandLine.fromEnvironment("DOCKER_CLI");
        this.config = home.resolve("docker-config");
        Map<String, String> environment = Map.of("DOCKER_HOST", host, "DOCKER_CONFIG", config.toString());
        this.cli = new CommandLine(binary, home, environment);
        Map<String, String> withBuildKit = new java.util.HashMap<>(environment);
        withBuildKit.put("DOCKER_BUILDKIT", "1");
        this.buildKit = new CommandLine(binary, home, withBuildKit);
    }

    /** The seed's form: the secret on the command line. */
    CommandLine.Result login(String registry, String username, String secret) throws Exception {
        return cli.run(null, "login", registry, "-u", username, "-p", secret);
    }

    CommandLine.Result loginWithPasswordStdin(String registry, String username, String secret) throws Exception {
        return cli.run(secret, "login", registry, "-u", username, "--password-stdin");
    }

    CommandLine.Result logout(String registry) throws Exception {
        return cli.run(null, "logout", registry);
    }

    /** {@code docker import} of a root file system tarball as image {@code reference}. */
    CommandLine.Result importImage(Path tarball, String reference) throws Exception {
        return cli.run(null, "import", tarball.toString(), reference);
    }

    CommandLine.Result push(String reference) throws Exception {
        return cli.run(null, "push", reference);
    }

    CommandLine.Result pull(String reference) throws Exception {
        return cli.run(null, "pull", reference);
    }

    /** Removes the local image, so that the next pull downloads it. */
    CommandLine.Result remove(String reference) throws Exception {
        return cli.run(null, "image", "rm", "--force", reference);
    }

    /** The image's id, or the reason there is none. */
    CommandLine.Result imageId(String reference) throws Exception {
        return cli.run(null, "image", "inspect", "--format", "{{.Id}}", reference);
    }

    /** A BuildKit build of the folder's Dockerfile, tagged {@code tag}, with no cache from earlier builds. */
    CommandLine.Result build(Path context, String tag) throws Exception {
        return buildKit.run(null, "build", "--no-cache", "--progress=plain", "-t", tag, context.toString());
    }

    /** What {@code docker login} stored for the registry in config.json ({@code auths}), or a missing node. */
    JsonNode storedCredentials(String registry) throws IOException {
        Path file = config.resolve("config.json");
        return Files.exists(file) ? JSON.readTree(file.toFile()).path("auths").path(registry) : JSON.missingNode();
    }
}
