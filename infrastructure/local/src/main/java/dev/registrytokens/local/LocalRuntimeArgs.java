package dev.registrytokens.local;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;

/** Where the local Lambda runtime's parts are, from the command line, defaulting to their places in the project. */
final class LocalRuntimeArgs {
    private LocalRuntimeArgs() {
    }

    /** Everything a {@link LocalLambda.Runtime} needs but the credentials endpoint and the log sink. */
    record Settings(Path emulator, Path bootstrap, Path runtimeLibraries, Path artefacts, URI awsEndpoint, String region,
                    int maxEnvironments) {
        LocalLambda.Runtime runtime(ContainerCredentials credentials, PrintStream logs) {
            return new LocalLambda.Runtime(emulator, bootstrap, runtimeLibraries, artefacts, Path.of(System.getProperty("java.home")),
                    awsEndpoint, region, credentials, logs, maxEnvironments);
        }
    }

    /**
     * {@code --emulator} (the aws-lambda-rie binary) and {@code --endpoint} (the AWS emulator) are required; the sam
     * build folder, the bootstrap and the runtime interface client default to where the project keeps them.
     */
    static Settings runtime(Args args, Path template) {
        Path root = template.toAbsolutePath().getParent();
        return new Settings(
                Path.of(args.require("emulator")),
                Path.of(args.get("bootstrap", root.resolve("infrastructure/local/bootstrap").toString())),
                Path.of(args.get("runtime-libraries", root.resolve("infrastructure/lambda-runtime/target/runtime").toString())),
                Path.of(args.get("artefacts", root.resolve(".aws-sam/build").toString())),
                URI.create(args.require("endpoint")),
                args.get("region", "us-east-1"),
                Integer.parseInt(args.get("max-environments", "4")));
    }
}
