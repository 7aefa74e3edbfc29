package dev.registrytokens.local;

import dev.registrytokens.testing.AwsEmulator;
import dev.registrytokens.testing.ProjectFiles;
import dev.registrytokens.testing.TemplateResources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * The local API as ./dev up runs it: its own JVM, configured only through the environment the template
 * gives the functions, pointed at the test emulator's table and keys.
 */
final class LocalApiProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    final int port;
    final int issuerPort;

    private LocalApiProcess(Process process, Path log, int port, int issuerPort) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.issuerPort = issuerPort;
    }

    static LocalApiProcess start(Map<String, String> parameters) throws IOException {
        AwsEmulator.Stack stack = AwsEmulator.stack();
        int port = AwsEmulator.freePort();
        int issuerPort = AwsEmulator.freePort();
        Path log = Files.createTempFile("local-api-", ".log");
        var command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                LocalApi.class.getName(),
                "--template", ProjectFiles.template().toString(),
                "--port", Integer.toString(port), "--issuer-port", Integer.toString(issuerPort)));
        parameters.forEach((name, value) -> command.addAll(java.util.List.of("--param", name + "=" + value)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        var template = TemplateResources.readTemplate(ProjectFiles.template());
        builder.environment().putAll(Provision.functionEnvironment(template,
                new TemplateValues(TemplateValues.parametersWithDefaults(template, parameters), stack.physicalIds())));
        builder.environment().put("AWS_REGION", AwsEmulator.REGION.id());
        builder.environment().put("AWS_ACCESS_KEY_ID", "testing");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "testing");
        builder.environment().put("AWS_ENDPOINT_URL", stack.endpoint().toString());
        LocalApiProcess api = new LocalApiProcess(builder.start(), log, port, issuerPort);
        api.awaitListening();
        return api;
    }

    private void awaitListening() throws IOException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("local API exited:\n" + Files.readString(log));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("local API did not start:\n" + Files.readString(log));
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** A bearer JWT from the process's dev issuer, as ./dev token prints it. */
    String bearerFor(String owner, String namespace) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + issuerPort + "/token?sub=" + owner
                    + "&namespace=" + namespace)).build(), HttpResponse.BodyHandlers.ofString()).body().trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() {
        process.destroy();
    }
}
