package dev.registrytokens.local;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * A registry client as a user runs it against a plain-HTTP registry: log in once (the secret on stdin), then push,
 * pull and copy with the stored credentials. Each instance keeps them in its own home directory.
 */
interface RegistryClient {
    CommandLine.Result login(String registry, String username, String secret) throws Exception;

    /** Uploads the image tagged {@code tag} in an OCI image layout. */
    CommandLine.Result push(Path layout, String tag, String destination) throws Exception;

    /** Downloads an image into a new OCI image layout, tagged {@code tag}. */
    CommandLine.Result pull(String source, Path layout, String tag) throws Exception;

    /** Registry to registry, so the registry may mount the blobs rather than take them again. */
    CommandLine.Result copy(String source, String destination) throws Exception;

    /** The clients the tests log in with, each with its own home directory. */
    enum Kind {
        SKOPEO(Skopeo::new),
        CRANE(home -> new Crane(new CommandLine(CommandLine.fromEnvironment("CRANE_BINARY"), home))),
        ORAS(home -> new Oras(new CommandLine(CommandLine.fromEnvironment("ORAS_BINARY"), home))),
        REGCTL(home -> new Regctl(new CommandLine(CommandLine.fromEnvironment("REGCTL_BINARY"), home)));

        private final Function<Path, RegistryClient> create;

        Kind(Function<Path, RegistryClient> create) {
            this.create = create;
        }

        RegistryClient in(Path home) {
            return create.apply(home);
        }

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** go-containerregistry's crane: its credentials in $HOME/.docker/config.json. */
    record Crane(CommandLine cli) implements RegistryClient {
        @Override
        public CommandLine.Result login(String registry, String username, String secret) throws Exception {
            return cli.run(secret, "auth", "login", registry, "-u", username, "--password-stdin");
        }

        @Override
        public CommandLine.Result push(Path layout, String tag, String destination) throws Exception {
            // crane pushes the layout's only image; the tag names it for the clients that need one.
            return cli.run(null, "push", "--insecure", layout.toString(), destination);
        }

        @Override
        public CommandLine.Result pull(String source, Path layout, String tag) throws Exception {
            return cli.run(null, "pull", "--insecure", "--format=oci", source, layout.toString());
        }

        @Override
        public CommandLine.Result copy(String source, String destination) throws Exception {
            return cli.run(null, "copy", "--insecure", source, destination);
        }
    }

    /** oras: an OCI layout goes up and comes down with oras cp; its credentials in $HOME/.docker/config.json. */
    record Oras(CommandLine cli) implements RegistryClient {
        @Override
        public CommandLine.Result login(String registry, String username, String secret) throws Exception {
            return cli.run(secret, "login", "--plain-http", "-u", username, "--password-stdin", registry);
        }

        @Override
        public CommandLine.Result push(Path layout, String tag, String destination) throws Exception {
            return cli.run(null, "cp", "--from-oci-layout", layout + ":" + tag, "--to-plain-http", destination);
        }

        @Override
        public CommandLine.Result pull(String source, Path layout, String tag) throws Exception {
            return cli.run(null, "cp", "--from-plain-http", source, "--to-oci-layout", layout + ":" + tag);
        }

        @Override
        public CommandLine.Result copy(String source, String destination) throws Exception {
            return cli.run(null, "cp", "--from-plain-http", "--to-plain-http", source, destination);
        }
    }

    /** regclient's regctl: layouts as ocidir:// references; its settings and credentials in $HOME/.regctl. */
    record Regctl(CommandLine cli) implements RegistryClient {
        @Override
        public CommandLine.Result login(String registry, String username, String secret) throws Exception {
            // Without credentials yet, the check that "registry set" makes could only be refused.
            CommandLine.Result plainHttp = cli.run(null, "registry", "set", registry, "--tls", "disabled", "--skip-check");
            return plainHttp.succeeded() ? cli.run(secret, "registry", "login", registry, "-u", username, "--pass-stdin") : plainHttp;
        }

        @Override
        public CommandLine.Result push(Path layout, String tag, String destination) throws Exception {
            return cli.run(null, "image", "copy", "ocidir://" + layout + ":" + tag, destination);
        }

        @Override
        public CommandLine.Result pull(String source, Path layout, String tag) throws Exception {
            return cli.run(null, "image", "copy", source, "ocidir://" + layout + ":" + tag);
        }

        @Override
        public CommandLine.Result copy(String source, String destination) throws Exception {
            return cli.run(null, "image", "copy", source, destination);
        }
    }
}
