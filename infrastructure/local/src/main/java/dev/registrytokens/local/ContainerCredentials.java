package dev.registrytokens.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local stand-in for the endpoint that hands SnapStart functions their credentials: a function finds it
 * through {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} and must send {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}.
 * Each fetch gets its own session token (the emulator accepts any key), so a fetch can be told from a reuse.
 */
final class ContainerCredentials implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final HttpServer server;
    private final String authorizationToken = randomHex();
    private final AtomicInteger fetches = new AtomicInteger();

    private ContainerCredentials(HttpServer server) {
        this.server = server;
    }

    static ContainerCredentials start() throws IOException {
        ContainerCredentials credentials = new ContainerCredentials(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
        credentials.server.createContext("/2021-04-23/credentials", exchange -> {
            try (exchange) {
                String presented = exchange.getRequestHeaders().getFirst("Authorization");
                boolean authorized = presented != null && MessageDigest.isEqual(
                        presented.getBytes(StandardCharsets.UTF_8), credentials.authorizationToken.getBytes(StandardCharsets.UTF_8));
                if (!authorized) {
                    exchange.sendResponseHeaders(403, -1);
                    return;
                }
                credentials.fetches.incrementAndGet();
                byte[] body = ("{\"AccessKeyId\":\"ASIALOCAL\",\"SecretAccessKey\":\"" + randomHex()
                        + "\",\"Token\":\"" + randomHex() + "\",\"Expiration\":\"" + Instant.now().plusSeconds(3600) + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        credentials.server.start();
        return credentials;
    }

    String fullUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/2021-04-23/credentials";
    }

    String authorizationToken() {
        return authorizationToken;
    }

    /** How many credentials were handed out. */
    int fetches() {
        return fetches.get();
    }

    private static String randomHex() {
        byte[] bytes = new byte[20];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
