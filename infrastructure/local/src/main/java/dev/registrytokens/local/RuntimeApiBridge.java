package dev.registrytokens.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * Sits between a function's runtime interface client and the Runtime Interface Emulator's runtime API. The
 * emulator answers 404 to {@code GET /runtime/restore/next}, which the client calls after the SnapStart
 * {@code beforeCheckpoint} hooks; in Lambda that call returns once the snapshot has been restored, and the
 * client then runs the {@code afterRestore} hooks. Here the "snapshot" is restored at once, so the bridge answers
 * 200 itself, and passes every other call through. It also notes when init reached each point, for the
 * cold-start benchmark.
 */
final class RuntimeApiBridge implements AutoCloseable {
    private static final String RESTORE_NEXT = "/2018-06-01/runtime/restore/next";
    private static final String INVOCATION_NEXT = "/2018-06-01/runtime/invocation/next";
    /** Headers the JDK's client sets itself or refuses to forward. */
    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "date");

    private final HttpServer server;
    private final URI runtimeApi;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private volatile long restoreRequestedNanos;
    private volatile long firstInvocationRequestedNanos;

    private RuntimeApiBridge(HttpServer server, URI runtimeApi) {
        this.server = server;
        this.runtimeApi = runtimeApi;
    }

    /** Listens on a free loopback port and forwards to the emulator's runtime API at {@code runtimeApiAddress}. */
    static RuntimeApiBridge start(String runtimeApiAddress) throws IOException {
        RuntimeApiBridge bridge = new RuntimeApiBridge(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0),
                URI.create("http://" + runtimeApiAddress));
        bridge.server.createContext("/", bridge::handle);
        bridge.server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        bridge.server.start();
        return bridge;
    }

    /** What the runtime interface client uses as {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** When the client asked to be restored (its beforeCheckpoint hooks had run); 0 if it never did. */
    long restoreRequestedNanos() {
        return restoreRequestedNanos;
    }

    /** When the client first asked for an invocation: its init, hooks included, was done. */
    long firstInvocationRequestedNanos() {
        return firstInvocationRequestedNanos;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (path.equals(RESTORE_NEXT)) {
                restoreRequestedNanos = System.nanoTime();
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            if (path.equals(INVOCATION_NEXT) && firstInvocationRequestedNanos == 0) {
                firstInvocationRequestedNanos = System.nanoTime();
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(runtimeApi.resolve(exchange.getRequestURI().toString()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> forward.header(name, value));
                }
            });
            HttpResponse<byte[]> answer;
            try {
                answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            answer.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, List.copyOf(values));
                }
            });
            byte[] body = answer.body();
            exchange.sendResponseHeaders(answer.statusCode(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        client.shutdownNow(); // a forwarded long poll for the next invocation would otherwise hold the close

    }
}
