package dev.registrytokens.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import dev.registrytokens.testkit.EmulatorIam;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * The local stand-in for the endpoint that hands SnapStart functions their credentials: a function finds it
 * through {@code AWS_CONTAINER_CREDENTIALS_FULL_URI} and must send {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}, which
 * is its own: each function gets a session of its own role (created in the emulator from the template,
 * {@link EmulatorIam}), so a call its role does not allow is refused.
 */
final class ContainerCredentials implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final HttpServer server;
    private final URI endpoint;
    private final Map<String, String> physicalIds;
    /** Authorization token -> the function whose role's credentials it gets. */
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Map<String, String> tokenOfFunction = new ConcurrentHashMap<>();
    private final Map<String, String> lentRoles = new ConcurrentHashMap<>();
    /** A session of each role by its ARN, assumed when the endpoint starts: a function's start waits on no STS call. */
    private final Map<String, AwsSessionCredentials> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger fetches = new AtomicInteger();

    private ContainerCredentials(HttpServer server, URI endpoint, Map<String, String> physicalIds) {
        this.server = server;
        this.endpoint = endpoint;
        this.physicalIds = physicalIds;
    }

    /**
     * Serves sessions of the roles in {@code physicalIds}, assumed (once each, up front) with the harness's admin keys
     * there.
     */
    static ContainerCredentials start(URI endpoint, Map<String, String> physicalIds) throws IOException {
        ContainerCredentials credentials = new ContainerCredentials(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0),
                endpoint, physicalIds);
        physicalIds.values().stream().filter(id -> id.startsWith("arn:aws:iam::") && id.contains(":role/"))
                .forEach(credentials::session);
        credentials.server.createContext("/2021-04-23/credentials", exchange -> {
            try (exchange) {
                String presented = exchange.getRequestHeaders().getFirst("Authorization");
                String function = presented == null ? null : credentials.functionPresenting(presented);
                if (function == null) {
                    exchange.sendResponseHeaders(403, -1);
                    return;
                }
                AwsSessionCredentials session = credentials.session(
                        EmulatorIam.roleArnOf(physicalIds, credentials.lentRoles.getOrDefault(function, function)));
                credentials.fetches.incrementAndGet();
                byte[] body = ("{\"AccessKeyId\":\"" + session.accessKeyId() + "\",\"SecretAccessKey\":\"" + session.secretAccessKey()
                        + "\",\"Token\":\"" + session.sessionToken() + "\",\"Expiration\":\""
                        + session.expirationTime().orElse(Instant.now().plusSeconds(3600)) + "\"}")
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

    /** The token that gets the function its role's credentials. */
    String authorizationToken(String function) {
        return tokenOfFunction.computeIfAbsent(function, name -> {
            String token = randomHex();
            tokens.put(token, name);
            return token;
        });
    }

    /** Has a function that is not in the template (a benchmark's yardstick) run with a template function's role. */
    void lendRole(String function, String roleOwner) {
        lentRoles.put(function, roleOwner);
    }

    /** The role's session, assumed again once it is within a quarter of an hour of expiring (as ./dev up runs for long). */
    private AwsSessionCredentials session(String roleArn) {
        return sessions.compute(roleArn, (arn, current) -> current != null
                && current.expirationTime().orElseThrow().isAfter(Instant.now().plus(Duration.ofMinutes(15)))
                ? current : EmulatorIam.assume(endpoint, physicalIds, arn, arn.substring(arn.lastIndexOf('/') + 1)));
    }

    private String functionPresenting(String presented) {
        byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
        return tokens.entrySet().stream()
                .filter(entry -> MessageDigest.isEqual(bytes, entry.getKey().getBytes(StandardCharsets.UTF_8)))
                .map(Map.Entry::getValue).findFirst().orElse(null);
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
