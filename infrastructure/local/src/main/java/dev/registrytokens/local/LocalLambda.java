package dev.registrytokens.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One function run the way Lambda runs it: its {@code sam build} artefact, under the Runtime Interface Emulator
 * and Lambda's Java runtime interface client, one process per execution environment. An environment starts on
 * the request that needs it (a real cold start) and then stays warm; requests that find every environment busy
 * start another, up to a bound, as Lambda scales out.
 */
final class LocalLambda implements AutoCloseable {
    /** Where the runtime lives and what every function's environment shares. */
    record Runtime(Path emulator, Path bootstrap, Path runtimeLibraries, Path artefacts, Path javaHome, URI awsEndpoint,
                   String region, ContainerCredentials credentials, PrintStream logs, int maxEnvironments) {
    }

    /** One invocation's answer, and for an environment's first one, how its cold start went. */
    record Invocation(byte[] response, ColdStart coldStart) {
    }

    /**
     * Nanosecond marks of a cold start: the invoke that started the process, the runtime's call to be restored
     * (its SnapStart hooks had primed; 0 without SnapStart), its first request for work (init done) and the answer.
     */
    record ColdStart(long started, long restoreRequested, long initDone, long answered) {
    }

    private static final int START_ATTEMPTS = 3;
    /**
     * How long Lambda lets an environment initialize, apart from the invocation's own timeout: 10 s on demand. With
     * SnapStart, init (priming included) runs when the version is published, on no request's time, and may take
     * minutes; locally it runs on the environment's first request, which is given as long, as a publish would be.
     */
    private static final Duration ON_DEMAND_INIT = Duration.ofSeconds(10);
    private static final Duration SNAPSTART_INIT = Duration.ofMinutes(2);
    /**
     * Lambda gives every environment its own share of CPU; here all of them share this machine's processors. So at
     * most one environment per processor runs its first invocation (init included) at a time: a burst of cold starts
     * then queues (the wait counts against no timeout), rather than every init slowing down together.
     */
    private static final Semaphore FIRST_INVOCATIONS = new Semaphore(java.lang.Runtime.getRuntime().availableProcessors(), true);
    private final LambdaFunctionSpec function;
    private final Runtime runtime;
    private final LinkedBlockingQueue<Environment> idle = new LinkedBlockingQueue<>();
    /** One permit per environment the function may have: taken before its process starts, given back when it is retired. */
    private final Semaphore slots;
    private final Set<Environment> environments = ConcurrentHashMap.newKeySet();
    /** Numbers the environments in the log ({@code [Function#2]}), in the order they start. */
    private final AtomicInteger environmentsStarted = new AtomicInteger();

    LocalLambda(LambdaFunctionSpec function, Runtime runtime) {
        this.function = function;
        this.runtime = runtime;
        this.slots = new Semaphore(runtime.maxEnvironments());
    }

    /** Invokes the function with an event (JSON) and answers its response (JSON), as Lambda's Invoke API does. */
    Invocation invoke(byte[] event) {
        Environment environment = idleOrNew();
        try {
            return environment.invoke(event);
        } finally {
            if (environment.process.isAlive()) {
                idle.add(environment);
            } else {
                retire(environment);
            }
        }
    }

    /** An idle live environment, else a new one while there is room, else the next one to come free. */
    private Environment idleOrNew() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(function.timeout() + 30L);
        try {
            while (System.nanoTime() < deadline) {
                Environment free = idle.poll();
                if (free != null && !free.process.isAlive()) {
                    retire(free);
                    continue;
                }
                if (free != null) {
                    return free;
                }
                if (slots.tryAcquire()) {
                    return startInSlot();
                }
                free = idle.poll(100, TimeUnit.MILLISECONDS);
                if (free != null) {
                    idle.add(free);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException(function.logicalId() + ": every execution environment stayed busy");
    }

    /**
     * Starts an environment in the slot just taken, which it holds until retired (or gives back if it never starts); a
     * start that lost its ports to another process is tried again on fresh ones.
     */
    private Environment startInSlot() {
        int number = environmentsStarted.incrementAndGet();
        Environment environment = null;
        try {
            for (int attempt = 1; environment == null; attempt++) {
                try {
                    environment = new Environment(number);
                } catch (IllegalStateException lostItsPorts) {
                    if (attempt == START_ATTEMPTS) {
                        throw lostItsPorts;
                    }
                }
            }
            environments.add(environment);
            return environment;
        } finally {
            if (environment == null) {
                slots.release();
            }
        }
    }

    private void retire(Environment environment) {
        environment.close();
        if (environments.remove(environment)) {
            slots.release();
        }
    }

    @Override
    public void close() {
        environments.forEach(Environment::close);
        environments.clear();
        idle.clear();
    }

    /** One execution environment: an emulator process, its bootstrap's JVM, and the bridge between them. */
    private final class Environment implements AutoCloseable {
        private final Process process;
        private final RuntimeApiBridge bridge;
        private final URI invocations;
        /** Its own: a pooled connection must never outlive the environment into another that gets the same port. */
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final long started = System.nanoTime();
        private boolean invoked;

        Environment(int number) {
            int[] ports = LocalPorts.free(2);
            int runtimeApiPort = ports[0];
            int invokePort = ports[1];
            try {
                bridge = RuntimeApiBridge.start("127.0.0.1:" + runtimeApiPort);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                ProcessBuilder builder = new ProcessBuilder(runtime.emulator().toString(),
                        "--log-level", "error",
                        "--runtime-api-address", "127.0.0.1:" + runtimeApiPort,
                        "--runtime-interface-emulator-address", "127.0.0.1:" + invokePort,
                        runtime.bootstrap().toString(), function.handler())
                        .directory(runtime.artefacts().resolve(function.logicalId()).toFile())
                        .redirectErrorStream(true);
                builder.environment().clear();
                builder.environment().putAll(environment());
                process = builder.start();
                pumpLogs(process, "[" + function.logicalId() + (number > 1 ? "#" + number : "") + "] ");
                invocations = URI.create("http://127.0.0.1:" + invokePort + "/2015-03-31/functions/function/invocations");
            } catch (IOException e) {
                bridge.close();
                throw new UncheckedIOException(e);
            }
            try {
                LocalPorts.awaitListening(invokePort, process, Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        /**
         * What Lambda gives the function: the template's variables, the runtime's own, credentials of its own role
         * only through the container endpoint (no key variables), and locally the emulator's endpoint.
         */
        private Map<String, String> environment() {
            Map<String, String> variables = new java.util.LinkedHashMap<>(function.environment());
            variables.put("PATH", "/usr/local/bin:/usr/bin:/bin");
            variables.put("TZ", ":UTC");
            variables.put("LANG", "en_US.UTF-8");
            variables.put("AWS_REGION", runtime.region());
            variables.put("AWS_DEFAULT_REGION", runtime.region());
            variables.put("AWS_EXECUTION_ENV", "AWS_Lambda_java25");
            variables.put("AWS_LAMBDA_FUNCTION_NAME", function.logicalId());
            variables.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memorySize()));
            // The emulator gives init and each invoke this long; LocalLambda enforces the invocation's own timeout.
            variables.put("AWS_LAMBDA_FUNCTION_TIMEOUT", Long.toString(Math.max(initBudget().toSeconds(), function.timeout())));
            variables.put("AWS_LAMBDA_INITIALIZATION_TYPE", function.snapStart() ? "snap-start" : "on-demand");
            variables.put("LAMBDA_TASK_ROOT", runtime.artefacts().resolve(function.logicalId()).toString());
            variables.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", runtime.credentials().fullUri());
            variables.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", runtime.credentials().authorizationToken(function.logicalId()));
            variables.put("AWS_ENDPOINT_URL", runtime.awsEndpoint().toString());
            // Read by the bootstrap, which removes them before the JVM starts.
            variables.put("LOCAL_RUNTIME_API", bridge.address());
            variables.put("LOCAL_RUNTIME_JAVA", runtime.javaHome().resolve("bin/java").toString());
            variables.put("LOCAL_RUNTIME_LIBRARIES", runtime.runtimeLibraries().toString());
            return variables;
        }

        private Duration initBudget() {
            return function.snapStart() ? SNAPSTART_INIT : ON_DEMAND_INIT;
        }

        /**
         * Invokes once. The invocation has the function's timeout, and the environment's first also its init's: a
         * function still running then is stopped, as Lambda stops it, with its environment, and the answer is Lambda's
         * timeout error.
         */
        Invocation invoke(byte[] event) {
            Duration timeout = Duration.ofSeconds(function.timeout()).plus(invoked ? Duration.ZERO : initBudget());
            HttpRequest request = HttpRequest.newBuilder(invocations)
                    .timeout(timeout)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(event)).build();
            boolean first = !invoked;
            try {
                if (first) {
                    FIRST_INVOCATIONS.acquire();
                }
                byte[] response;
                try {
                    response = http.send(request, HttpResponse.BodyHandlers.ofByteArray()).body();
                } finally {
                    if (first) {
                        FIRST_INVOCATIONS.release();
                    }
                }
                ColdStart coldStart = invoked ? null
                        : new ColdStart(started, bridge.restoreRequestedNanos(), bridge.firstInvocationRequestedNanos(), System.nanoTime());
                invoked = true;
                return new Invocation(response, coldStart);
            } catch (HttpTimeoutException timedOut) {
                runtime.logs().println("[" + function.logicalId() + "] Task timed out after " + timeout.toSeconds()
                        + " seconds" + (invoked ? "" : " (init and first invocation)") + "; its environment is stopped");
                close();
                return new Invocation(("{\"errorType\":\"Sandbox.Timedout\",\"errorMessage\":\"Task timed out after "
                        + timeout.toSeconds() + ".00 seconds\"}").getBytes(StandardCharsets.UTF_8), null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /**
         * Copies the process's output to the logs, on a platform thread: a read of a pipe blocks in native code and holds
         * its carrier, so one virtual thread per environment would take every carrier once enough environments run, and
         * the gateway's own virtual threads would never run again.
         */
        private void pumpLogs(Process source, String prefix) {
            Thread.ofPlatform().daemon().name("logs " + prefix.strip()).start(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(source.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        runtime.logs().println(prefix + line);
                    }
                } catch (IOException closed) {
                    // the process ended
                }
            });
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            bridge.close();
            http.shutdownNow();
        }
    }
}
