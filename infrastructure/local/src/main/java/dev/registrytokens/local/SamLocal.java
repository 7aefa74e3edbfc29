package dev.registrytokens.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.registrytokens.testkit.EmulatorIam;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * {@code ./dev sam-local invoke|start-lambda ...}: the SAM CLI's own local runtime (its Runtime Interface Emulator in
 * a Docker container of the offline java25 image) against the local stack. SAM local gives a function only the
 * variables its template declares and the host's keys, so this writes the template SAM reads here, from the sam build
 * artefacts: each function's variables resolved to the stack's table and keys, a session of the function's own role
 * (the emulator enforces IAM), the AWS emulator's endpoint as the containers reach it, and x86_64 (the image's and
 * this machine's architecture) for arm64.
 *
 * <p>The containers run on the daemon's default bridge network: SAM publishes each container's runtime port on loopback
 * there (it ignores {@code --docker-network host}, and a container it connects to another network after creating it
 * gets no working link). A container reaches the host at the bridge's gateway address, where a relay forwards to the
 * emulator on loopback. The daemon runs without iptables, so nothing else is reachable from a container.
 *
 * <p>Options {@code --template --resources --endpoint --image --sam --docker --out}, then {@code --} and SAM's arguments.
 */
public final class SamLocal {
    private static final String NETWORK = "bridge";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOCAL_ARCHITECTURE = "x86_64";
    /**
     * Lambda gives a cold start's init 10 s of its own, outside the function's timeout; SAM local counts a cold
     * container's init against the timeout, so each function gets this much more.
     */
    private static final int INIT_SECONDS = 10;

    private SamLocal() {
    }

    public static void main(String[] argv) throws Exception {
        int separator = Arrays.asList(argv).indexOf("--");
        if (separator < 0 || separator == argv.length - 1) {
            System.err.println("usage: SamLocal --resources FILE --endpoint URL --image IMAGE [--template T] [--sam SAM] [--docker CLI] [--out DIR] -- invoke|start-lambda ARGS...");
            System.exit(2);
        }
        Args args = Args.parse(Arrays.copyOfRange(argv, 0, separator));
        List<String> samArguments = List.of(Arrays.copyOfRange(argv, separator + 1, argv.length));
        Path template = Path.of(args.get("template", "template.yaml")).toAbsolutePath();
        Path root = template.getParent();
        Map<String, String> physicalIds = LocalApi.readResources(Path.of(args.require("resources")));
        URI endpoint = URI.create(args.require("endpoint"));
        Path out = Path.of(args.get("out", root.resolve(".dev/sam-local").toString()));
        Files.createDirectories(out);
        String gateway = networkGateway(args.get("docker", "docker"));
        try (TcpRelay relay = TcpRelay.start(new InetSocketAddress(gateway, 0), new InetSocketAddress(endpoint.getHost(), endpoint.getPort()))) {
            Path samTemplate = out.resolve("template.json");
            String containerEndpoint = "http://" + gateway + ":" + relay.port();
            JSON.writerWithDefaultPrettyPrinter().writeValue(samTemplate.toFile(), template(LocalInvoke.functions(template, args, physicalIds),
                    root.resolve(".aws-sam/build"), containerEndpoint, function -> EmulatorIam.assume(endpoint, physicalIds,
                            EmulatorIam.roleArnOf(physicalIds, function), function)));
            List<String> command = new ArrayList<>(List.of(args.get("sam", root.resolve(".venv/bin/sam").toString()), "local"));
            command.addAll(samArguments.subList(0, 1));
            command.addAll(List.of("--template", samTemplate.toString(), "--invoke-image", args.require("image"),
                    "--skip-pull-image"));
            command.addAll(samArguments.subList(1, samArguments.size()));
            ProcessBuilder sam = new ProcessBuilder(command).directory(root.toFile()).inheritIO();
            // SAM would pass the host's keys to every function; each gets its own role's session instead.
            sam.environment().keySet().removeIf(name -> name.startsWith("AWS_") && !name.equals("AWS_DEFAULT_REGION"));
            sam.environment().putIfAbsent("AWS_DEFAULT_REGION", args.get("region", "us-east-1"));
            sam.environment().put("SAM_CLI_TELEMETRY", "0");
            Process process = sam.start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            System.exit(process.waitFor());
        }
    }

    /** The gateway address of the daemon's default bridge network. */
    static String networkGateway(String docker) throws IOException, InterruptedException {
        String gateway = run(docker, "network", "inspect", NETWORK, "--format", "{{(index .IPAM.Config 0).Gateway}}");
        if (gateway == null || gateway.isBlank()) {
            throw new IllegalStateException("the Docker daemon has no default bridge network: start it without --bridge=none (./dev does)");
        }
        return gateway;
    }

    /** The command's output, or null when it failed. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return process.waitFor() == 0 ? output : null;
    }

    /** The functions as SAM local is to run them here: their sam build folders, resolved variables, and credentials. */
    static JsonNode template(Map<String, LambdaFunctionSpec> functions, Path artefacts, String endpoint,
                             Function<String, AwsSessionCredentials> roleSession) {
        ObjectNode template = JSON.createObjectNode();
        template.put("AWSTemplateFormatVersion", "2010-09-09");
        template.put("Transform", "AWS::Serverless-2016-10-31");
        ObjectNode resources = template.putObject("Resources");
        functions.values().forEach(function -> {
            ObjectNode properties = resources.putObject(function.logicalId())
                    .put("Type", "AWS::Serverless::Function").putObject("Properties");
            properties.put("Runtime", "java25").put("Handler", function.handler())
                    .put("CodeUri", artefacts.resolve(function.logicalId()).toString())
                    .put("MemorySize", function.memorySize()).put("Timeout", function.timeout() + INIT_SECONDS);
            properties.putArray("Architectures").add(LOCAL_ARCHITECTURE);
            Map<String, String> variables = new TreeMap<>(function.environment());
            variables.put("AWS_ENDPOINT_URL", endpoint);
            // Declared variables win over the keys SAM sets from the host's.
            AwsSessionCredentials session = roleSession.apply(function.logicalId());
            variables.put("AWS_ACCESS_KEY_ID", session.accessKeyId());
            variables.put("AWS_SECRET_ACCESS_KEY", session.secretAccessKey());
            variables.put("AWS_SESSION_TOKEN", session.sessionToken());
            properties.putObject("Environment").set("Variables", JSON.valueToTree(variables));
        });
        return template;
    }
}
