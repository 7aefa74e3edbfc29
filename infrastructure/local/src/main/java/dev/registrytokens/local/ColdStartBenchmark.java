package dev.registrytokens.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.registrytokens.testkit.TemplateResources;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code ./dev bench cold}: cold starts of fresh local Lambda runtimes, per function, each from its sam build
 * artefact with its own event, and of a baseline function in the same run. For each: process start to init done
 * (the runtime's first request for work) and to the first response; "hooks → first response" runs from the
 * runtime's restore call (its SnapStart beforeCheckpoint priming done) to the first response: afterRestore plus the
 * first invocation, the local stand-in for a SnapStart restore. Each function also runs once per round as an
 * on-demand function (no hooks: its first request pays for what priming would have loaded), for comparison.
 * Medians over the runs.
 */
public final class ColdStartBenchmark {
    private static final List<String> FUNCTIONS = List.of("RegistryAuthorizerFunction", "RegistryTokenFunction",
            "CreateTokenFunction", "ListTokensFunction", "GetTokenFunction");
    private static final String BASELINE = "BaselineFunction";
    private static final String ON_DEMAND = " (on-demand)";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ColdStartBenchmark() {
    }

    public static void main(String[] argv) throws IOException {
        Args args = Args.parse(argv);
        Path template = Path.of(args.get("template", "template.yaml"));
        int runs = Integer.parseInt(args.get("runs", "5"));
        JsonNode templateTree = TemplateResources.readTemplate(template);
        Map<String, String> parameters = new HashMap<>(TemplateValues.parametersWithDefaults(templateTree, args.parameters()));
        parameters.putIfAbsent("JwtIssuer", "https://issuer.invalid/");
        parameters.putIfAbsent("JwtAudience", "registry-tokens-local");
        Map<String, String> physicalIds = LocalApi.readResources(Path.of(args.require("resources")));
        Map<String, LambdaFunctionSpec> functions = LambdaFunctionSpec.fromTemplate(templateTree, new TemplateValues(parameters, physicalIds));
        LocalRuntimeArgs.Settings settings = LocalRuntimeArgs.runtime(args, template);
        Path events = template.toAbsolutePath().getParent().resolve("events");
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream());

        Map<String, List<LocalLambda.ColdStart>> results = new LinkedHashMap<>();
        Map<String, Long> classesLoaded = new HashMap<>();
        try (ContainerCredentials credentials = ContainerCredentials.start(settings.awsEndpoint(), physicalIds)) {
            // The yardstick's one GetItem, under the role of a function that reads the table by key.
            credentials.lendRole(BASELINE, "GetTokenFunction");
            LocalLambda.Runtime runtime = settings.runtime(credentials, discard);
            LocalLambda.Runtime baselineRuntime = baselineRuntime(settings, credentials, discard, functions.get("ListTokensFunction"));
            LambdaFunctionSpec baseline = new LambdaFunctionSpec(BASELINE, BaselineHandler.class.getName() + "::handleRequest",
                    1024, 15, false, Map.of("TABLE_NAME", physicalIds.get("TokensTable"),
                    "JAVA_TOOL_OPTIONS", functions.get("ListTokensFunction").environment().getOrDefault("JAVA_TOOL_OPTIONS", "")));
            Path classLogs = Files.createTempDirectory("cold-start-classes");
            classesLoaded.put(BASELINE, classesLoaded(withClassLog(baseline, classLogs), baselineRuntime, "{}".getBytes(), classLogs));
            for (String function : FUNCTIONS) {
                LambdaFunctionSpec spec = functions.get(function);
                Path eventFile = events.resolve(LocalInvoke.eventFileOf(function));
                classesLoaded.put(function, classesLoaded(withClassLog(spec, classLogs), runtime, eventFor(function, eventFile), classLogs));
                classesLoaded.put(function + ON_DEMAND, classesLoaded(withClassLog(onDemand(spec), classLogs), runtime,
                        eventFor(function, eventFile), classLogs));
            }
            for (int run = 0; run < runs; run++) {
                // Interleaved, so that the machine's state drifts over every function alike.
                results.computeIfAbsent(BASELINE, k -> new ArrayList<>()).add(coldStart(baseline, baselineRuntime, "{}".getBytes()));
                for (String function : FUNCTIONS) {
                    LambdaFunctionSpec spec = functions.get(function);
                    LambdaFunctionSpec onDemand = onDemand(spec);
                    results.computeIfAbsent(function, k -> new ArrayList<>())
                            .add(coldStart(spec, runtime, eventFor(function, events.resolve(LocalInvoke.eventFileOf(function)))));
                    results.computeIfAbsent(function + ON_DEMAND, k -> new ArrayList<>())
                            .add(coldStart(onDemand, runtime, eventFor(function, events.resolve(LocalInvoke.eventFileOf(function)))));
                }
            }
        }
        print(results, classesLoaded, runs);
    }

    private static LambdaFunctionSpec onDemand(LambdaFunctionSpec spec) {
        return new LambdaFunctionSpec(spec.logicalId(), spec.handler(), spec.memorySize(), spec.timeout(), false, spec.environment());
    }

    /** The function with the JVM's class-load log (one line per class) into {@code logs}, one file per process. */
    private static LambdaFunctionSpec withClassLog(LambdaFunctionSpec spec, Path logs) {
        Map<String, String> environment = new HashMap<>(spec.environment());
        environment.put("JAVA_TOOL_OPTIONS", (environment.getOrDefault("JAVA_TOOL_OPTIONS", "") + " -Xlog:class+load:file="
                + logs.resolve("%p.log")).strip());
        return new LambdaFunctionSpec(spec.logicalId(), spec.handler(), spec.memorySize(), spec.timeout(), spec.snapStart(), environment);
    }

    /**
     * Classes the JVM loaded from its start to the first response (SnapStart priming included): a figure that,
     * unlike the timings, does not move with the machine's load. Its run is not timed.
     */
    private static long classesLoaded(LambdaFunctionSpec function, LocalLambda.Runtime runtime, byte[] event, Path logs) throws IOException {
        try (var old = Files.list(logs)) {
            for (Path log : old.toList()) {
                Files.delete(log);
            }
        }
        coldStart(function, runtime, event);
        try (var written = Files.list(logs)) {
            List<Path> files = written.toList();
            if (files.size() != 1) {
                throw new IllegalStateException(function.logicalId() + ": expected one class-load log, found " + files);
            }
            try (var lines = Files.lines(files.getFirst())) {
                return lines.filter(line -> line.contains("[class,load]")).count();
            }
        }
    }

    private static LocalLambda.ColdStart coldStart(LambdaFunctionSpec function, LocalLambda.Runtime runtime, byte[] event) {
        try (LocalLambda lambda = new LocalLambda(function, runtime)) {
            LocalLambda.Invocation invocation = lambda.invoke(event);
            if (new String(invocation.response()).contains("\"errorType\"")) {
                throw new IllegalStateException(function.logicalId() + " failed: " + new String(invocation.response()));
            }
            return invocation.coldStart();
        }
    }

    /** The function's own event; a create gets a fresh name each time, so that every run creates. */
    private static byte[] eventFor(String function, Path file) throws IOException {
        ObjectNode event = (ObjectNode) JSON.readTree(file.toFile());
        if (function.equals("CreateTokenFunction")) {
            ObjectNode body = (ObjectNode) JSON.readTree(event.get("body").asText());
            body.put("name", "cold-" + UUID.randomUUID().toString().substring(0, 8));
            event.put("body", body.toString());
        }
        return JSON.writeValueAsBytes(event);
    }

    /** The baseline's task root: its one class, and the same libraries as the functions' artefacts. */
    private static LocalLambda.Runtime baselineRuntime(LocalRuntimeArgs.Settings settings, ContainerCredentials credentials,
                                                       PrintStream logs, LambdaFunctionSpec functionForLibraries) throws IOException {
        Path artefacts = Files.createTempDirectory("baseline-artefacts");
        Path taskRoot = artefacts.resolve(BASELINE);
        String classFile = BaselineHandler.class.getName().replace('.', '/') + ".class";
        Files.createDirectories(taskRoot.resolve(classFile).getParent());
        try (var in = BaselineHandler.class.getClassLoader().getResourceAsStream(classFile)) {
            Files.copy(in, taskRoot.resolve(classFile), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.createSymbolicLink(taskRoot.resolve("lib"), settings.artefacts().resolve(functionForLibraries.logicalId()).resolve("lib").toAbsolutePath());
        return new LocalRuntimeArgs.Settings(settings.emulator(), settings.bootstrap(), settings.runtimeLibraries(), artefacts,
                settings.awsEndpoint(), settings.region(), 1).runtime(credentials, logs);
    }

    private static void print(Map<String, List<LocalLambda.ColdStart>> results, Map<String, Long> classesLoaded, int runs) {
        double baseline = median(results.get(BASELINE), c -> c.answered() - c.started());
        System.out.printf("cold starts, fresh runtime per run, median of %d (ms; classes: loaded by the first response, one untimed run):%n", runs);
        System.out.printf("%-40s %10s %15s %24s %12s %15s %8s%n", "function", "init done", "first response", "hooks -> first response",
                "vs baseline", "hooks/on-demand", "classes");
        results.forEach((function, starts) -> {
            double init = median(starts, c -> c.initDone() - c.started());
            double response = median(starts, c -> c.answered() - c.started());
            boolean hooked = starts.getFirst().restoreRequested() != 0;
            double hooks = hooked ? median(starts, c -> c.answered() - c.restoreRequested()) : 0;
            // A SnapStart restore against what the same function's fresh JVM takes, on demand, to its first response.
            List<LocalLambda.ColdStart> onDemand = results.get(function + ON_DEMAND);
            String hooksRatio = hooked && onDemand != null
                    ? String.format("%.2fx", hooks / median(onDemand, c -> c.answered() - c.started())) : "-";
            System.out.printf("%-40s %10.0f %15.0f %24s %11.2fx %15s %8d%n", function, init, response,
                    hooked ? String.format("%.0f", hooks) : "-", response / baseline, hooksRatio, classesLoaded.get(function));
        });
    }

    private static double median(List<LocalLambda.ColdStart> starts, java.util.function.ToLongFunction<LocalLambda.ColdStart> span) {
        long[] values = starts.stream().mapToLong(span).sorted().toArray();
        return (values.length % 2 == 1 ? values[values.length / 2] : (values[values.length / 2 - 1] + values[values.length / 2]) / 2.0) / 1e6;
    }
}
