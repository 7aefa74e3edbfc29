package dev.registrytokens.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Serves the web console's static files ({@code console/}) under {@link #PATH}, meant to be opened on another origin
 * than the API's (as deployed: CloudFront's and API Gateway's), with the headers a deployed console gets: a strict
 * Content-Security-Policy (scripts and styles from its own files only, requests only to its own origin, the API and
 * the identity provider), {@code nosniff} and no referrer. {@code config.json} tells the console where the API and
 * its identity provider are, and the scope to ask for. Each request gets an access line, as the gateway writes them.
 */
final class ConsoleSite implements HttpHandler {
    static final String PATH = "/console/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "json", "application/json",
            "png", "image/png");

    private final Path root;
    private final byte[] config;
    private final String contentSecurityPolicy;
    private final PrintStream accessLog;

    /**
     * The console's settings: the API's origin, its client id at the issuer and the scope it asks for, and the
     * registry host its docker login line names.
     */
    record Settings(String apiUrl, String issuer, String clientId, String scope, String registryHost) {
    }

    ConsoleSite(Path root, Settings settings, PrintStream accessLog) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("apiUrl", settings.apiUrl());
        config.put("issuer", settings.issuer());
        config.put("clientId", settings.clientId());
        config.put("scope", settings.scope());
        config.put("registryHost", settings.registryHost());
        this.config = JSON.writeValueAsBytes(config);
        this.contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                + "connect-src 'self' " + origin(settings.apiUrl()) + " " + origin(settings.issuer())
                + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        this.accessLog = accessLog;
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private record Response(int status, String contentType, byte[] body) {
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Response response = response(exchange);
            // Logged before the answer, as the gateway does, so the line is in the log before the client has the answer.
            accessLog.println(Gateway.ACCESS_LOG_PREFIX + JSON.writeValueAsString(new Gateway.AccessLine(UUID.randomUUID().toString(),
                    exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(), response.status(),
                    exchange.getRemoteAddress().getAddress().getHostAddress())));
            send(exchange, response);
        }
    }

    private Response response(HttpExchange exchange) throws IOException {
        String relative = exchange.getRequestURI().getPath().substring(PATH.length());
        Path file = root.resolve(relative.isEmpty() ? "index.html" : relative).normalize();
        if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
            return new Response(405, "text/plain; charset=utf-8", "Method Not Allowed\n".getBytes(StandardCharsets.UTF_8));
        } else if (relative.equals("config.json")) {
            return new Response(200, CONTENT_TYPES.get("json"), config);
        } else if (file.startsWith(root) && Files.isRegularFile(file) && CONTENT_TYPES.containsKey(extension(file))) {
            return new Response(200, CONTENT_TYPES.get(extension(file)), Files.readAllBytes(file));
        }
        return new Response(404, "text/plain; charset=utf-8", "Not Found\n".getBytes(StandardCharsets.UTF_8));
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private void send(HttpExchange exchange, Response response) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", response.contentType());
        headers.set("Content-Security-Policy", contentSecurityPolicy);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        // Always revalidated: a console edited in the work tree is what the next reload shows.
        headers.set("Cache-Control", "no-cache");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(response.status(), head ? -1 : response.body().length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        }
    }
}
