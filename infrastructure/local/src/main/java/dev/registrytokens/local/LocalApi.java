package dev.registrytokens.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.registrytokens.testing.TemplateResources;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The local stand-in for {@code sam local start-api} (which needs Docker): the dev issuer on one port, and
 * the template's HTTP API on another, served over the real handlers. Functions read their configuration
 * from this process's environment, as Lambda gives it to them.
 */
public final class LocalApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer issuerServer;
    private final HttpServer apiServer;

    private LocalApi(HttpServer issuerServer, HttpServer apiServer) {
        this.issuerServer = issuerServer;
        this.apiServer = apiServer;
    }

    public static void main(String[] argv) throws IOException {
        Args args = Args.parse(argv);
        LocalApi api = start(Path.of(args.get("template", "template.yaml")), Integer.parseInt(args.get("port", "3000")),
                Integer.parseInt(args.get("issuer-port", "3001")), args.parameters());
        System.out.println("local API listening on http://127.0.0.1:" + api.apiServer.getAddress().getPort());
        Runtime.getRuntime().addShutdownHook(new Thread(api::stop));
    }

    /** Starts both servers (port 0 picks a free one); template parameters not given default to the dev issuer's. */
    public static LocalApi start(Path template, int port, int issuerPort, Map<String, String> parameters) throws IOException {
        HttpServer issuerServer = HttpServer.create(new InetSocketAddress("127.0.0.1", issuerPort), 0);
        String issuerUrl = "http://127.0.0.1:" + issuerServer.getAddress().getPort();
        DevIssuer issuer = new DevIssuer(issuerUrl, parameters.getOrDefault("JwtAudience", "registry-tokens-local"));
        issuerServer.createContext("/.well-known/jwks.json", exchange -> sendJson(exchange, issuer.jwks()));
        issuerServer.createContext("/.well-known/openid-configuration", exchange ->
                sendJson(exchange, Map.of("issuer", issuerUrl, "jwks_uri", issuerUrl + "/.well-known/jwks.json")));
        issuerServer.createContext("/token", exchange -> {
            Map<String, String> query = query(exchange);
            String subject = query.get("sub");
            if (subject == null || subject.isBlank()) {
                send(exchange, 400, "text/plain", "sub is required: /token?sub=OWNER[&namespace=NAMESPACE]\n");
                return;
            }
            send(exchange, 200, "text/plain", issuer.mint(subject, query.get("namespace"), Duration.ofHours(12)) + "\n");
        });
        issuerServer.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        issuerServer.start();

        Map<String, String> resolvedParameters = new HashMap<>(parameters);
        resolvedParameters.putIfAbsent("JwtIssuer", issuer.issuer());
        resolvedParameters.putIfAbsent("JwtAudience", issuer.audience());
        Routes routes = Routes.fromTemplate(TemplateResources.readTemplate(template), new TemplateValues(resolvedParameters, Map.of()));
        HttpServer apiServer = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        apiServer.createContext("/", new Gateway(routes));
        apiServer.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        apiServer.start();
        Gateway.describe(routes).forEach(route -> System.out.println("  " + route));
        return new LocalApi(issuerServer, apiServer);
    }

    public int port() {
        return apiServer.getAddress().getPort();
    }

    public int issuerPort() {
        return issuerServer.getAddress().getPort();
    }

    public void stop() {
        apiServer.stop(0);
        issuerServer.stop(0);
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> query = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] parts = pair.split("=", 2);
                query.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                        parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
            }
        }
        return query;
    }

    private static void sendJson(HttpExchange exchange, Object body) throws IOException {
        send(exchange, 200, "application/json", JSON.writeValueAsString(body));
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
