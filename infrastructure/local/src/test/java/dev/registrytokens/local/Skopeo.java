package dev.registrytokens.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The skopeo client, as a registry user runs it: either logged in (its auth file in its own home) or given
 * credentials per copy. A login's secret goes in on stdin.
 */
final class Skopeo implements RegistryClient {
    static final Path BINARY = Path.of("/usr/bin/skopeo");

    private final CommandLine cli;
    private final Path authFile;

    Skopeo(Path home) {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: ./dev test installs it (apt package skopeo)");
        }
        this.cli = new CommandLine(BINARY, home);
        this.authFile = home.resolve("auth.json");
    }

    @Override
    public CommandLine.Result login(String registry, String username, String secret) throws Exception {
        return cli.run(secret, "--insecure-policy", "login", "--tls-verify=false", "--authfile", authFile.toString(),
                "-u", username, "--password-stdin", registry);
    }

    @Override
    public CommandLine.Result push(Path layout, String tag, String destination) throws Exception {
        return copy(List.of("--authfile", authFile.toString()), "oci:" + layout + ":" + tag, "docker://" + destination);
    }

    CommandLine.Result push(Path layout, String tag, String destination, String username, String secret) throws Exception {
        return copy(List.of("--dest-creds", username + ":" + secret), "oci:" + layout + ":" + tag, "docker://" + destination);
    }

    @Override
    public CommandLine.Result pull(String source, Path layout, String tag) throws Exception {
        return copy(List.of("--authfile", authFile.toString()), "docker://" + source, "oci:" + layout + ":" + tag);
    }

    CommandLine.Result pull(String source, Path layout, String tag, String username, String secret) throws Exception {
        return copy(List.of("--src-creds", username + ":" + secret), "docker://" + source, "oci:" + layout + ":" + tag);
    }

    @Override
    public CommandLine.Result copy(String source, String destination) throws Exception {
        return copy(List.of("--authfile", authFile.toString()), "docker://" + source, "docker://" + destination);
    }

    private CommandLine.Result copy(List<String> credentials, String source, String destination) throws Exception {
        List<String> args = new ArrayList<>(List.of("--insecure-policy", "copy", "--src-tls-verify=false", "--dest-tls-verify=false"));
        args.addAll(credentials);
        args.addAll(List.of(source, destination));
        return cli.run(null, args.toArray(String[]::new));
    }
}
