package dev.registrytokens.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A stand-in for the identity provider that guards the management API in production: it signs RS256
 * bearer JWTs for any account and publishes its key as a JWKS, and signs the console in through the same OIDC
 * endpoints (discovery, authorize, token) a real provider has. Its access tokens carry the management scope in their
 * {@code scope} claim (only the scopes asked for, in the code flow); its ID tokens, addressed to the client, none.
 * Local use only.
 */
public final class DevIssuer {
    static final String KEY_ID = "dev-issuer-1";
    /** The claim listing the caller's namespaces and roles: the default of the template's NamespacesClaim parameter. */
    static final String NAMESPACES_CLAIM = "registry_namespaces";
    static final String MEMBERSHIPS_RULE = "The namespaces must be NAMESPACE:ROLE pairs separated by spaces (acme:owner widgets:viewer),"
            + " each NAMESPACE lowercase letters and digits with single '.', '_' or '-' between them, each ROLE owner, member or viewer.";
    /** An account or namespace the issuer signs in: a Docker repository path component. */
    static final String NAME = "[a-z0-9]+(?:[._-][a-z0-9]+)*";
    private static final String MEMBERSHIP = NAME + ":(?:owner|member|viewer)";
    private static final Pattern MEMBERSHIPS = Pattern.compile(MEMBERSHIP + "(?: " + MEMBERSHIP + ")*");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String issuer;
    private final String audience;
    private final String scope;
    private final KeyPair keys;
    private HttpServer server;

    /** The one OAuth client the issuer knows: the console, a public client (no secret) that must use PKCE. */
    public record Client(String clientId, String redirectUri) {
    }

    /**
     * Serves the issuer on 127.0.0.1 (port 0 picks a free one): its JWKS and OpenID configuration; the authorization
     * code flow with PKCE (S256) for {@code client}, whose sign-in form lets anyone sign in as any account; and
     * {@code GET /token?sub=SUB[&namespace=NAMESPACE][&namespaces=NS:ROLE+NS:ROLE]}, which answers a fresh access token
     * as plain text carrying exactly the claims asked for, and {@code scope} (the management API's scope).
     */
    public static DevIssuer start(int port, String audience, String scope, Client client) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        DevIssuer issuer = new DevIssuer(url, audience, scope);
        issuer.server = server;
        AuthorizationCodes codes = new AuthorizationCodes(issuer, client);
        server.createContext("/.well-known/jwks.json", exchange -> sendJson(exchange, 200, issuer.jwks()));
        server.createContext("/.well-known/openid-configuration", exchange -> sendJson(exchange, 200, issuer.discovery()));
        server.createContext("/authorize", codes::authorize);
        server.createContext("/token", exchange -> {
            if (exchange.getRequestMethod().equals("POST")) {
                codes.exchange(exchange);
                return;
            }
            Map<String, String> query = GatewayEvents.parseQuery(exchange.getRequestURI().getRawQuery());
            String subject = query.get("sub");
            Optional<String> memberships = memberships(query.get("namespaces"));
            if (subject == null || subject.isBlank()) {
                send(exchange, 400, "text/plain", "sub is required: /token?sub=SUB[&namespace=NAMESPACE][&namespaces=NS:ROLE+NS:ROLE]\n");
            } else if (query.get("namespaces") != null && !query.get("namespaces").isBlank() && memberships.isEmpty()) {
                send(exchange, 400, "text/plain", MEMBERSHIPS_RULE + "\n");
            } else {
                send(exchange, 200, "text/plain",
                        issuer.mint(subject, query.get("namespace"), memberships.orElse(null), Duration.ofHours(12)) + "\n");
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return issuer;
    }

    /**
     * Memberships as the issuer writes them into {@link #NAMESPACES_CLAIM}: the pairs separated by single spaces; empty
     * when {@code text} is null, blank, or not such pairs.
     */
    static Optional<String> memberships(String text) {
        String pairs = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        return MEMBERSHIPS.matcher(pairs).matches() ? Optional.of(pairs) : Optional.empty();
    }

    /** What an OIDC client reads first: where to authorize, where to exchange the code, where the keys are. */
    Map<String, Object> discovery() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("issuer", issuer);
        document.put("authorization_endpoint", issuer + "/authorize");
        document.put("token_endpoint", issuer + "/token");
        document.put("jwks_uri", issuer + "/.well-known/jwks.json");
        document.put("response_types_supported", List.of("code"));
        document.put("scopes_supported", List.of("openid", scope));
        document.put("grant_types_supported", List.of("authorization_code"));
        document.put("code_challenge_methods_supported", List.of("S256"));
        document.put("token_endpoint_auth_methods_supported", List.of("none"));
        document.put("subject_types_supported", List.of("public"));
        document.put("id_token_signing_alg_values_supported", List.of("RS256"));
        return document;
    }

    HttpServer server() {
        return server;
    }

    /**
     * A JSON answer any origin may read, as identity providers answer their discovery, keys and token endpoints to
     * browser clients (the console is on another origin than the issuer).
     */
    static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, status, "application/json", JSON.writeValueAsString(body));
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    DevIssuer(String issuer, String audience, String scope) {
        this.issuer = issuer;
        this.audience = audience;
        this.scope = scope;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            this.keys = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String issuer() {
        return issuer;
    }

    public String audience() {
        return audience;
    }

    /** The management API's scope, which the access tokens carry. */
    public String scope() {
        return scope;
    }

    /** An access token for the account; the namespace claim is left out when null. */
    public String mint(String subject, String namespace, Duration lifetime) {
        return mint(subject, namespace, null, lifetime);
    }

    /**
     * An access token for the account with its memberships and the management scope: {@code memberships}
     * (space-separated {@code NAMESPACE:ROLE} pairs) goes into the {@link #NAMESPACES_CLAIM} claim as that one string,
     * as a Cognito custom attribute would; either claim is left out when null.
     */
    public String mint(String subject, String namespace, String memberships, Duration lifetime) {
        return accessToken(subject, namespace, memberships, List.of(scope), lifetime);
    }

    /** An access token for the API's audience, with {@code scopes} in its {@code scope} claim (left out when none). */
    String accessToken(String subject, String namespace, String memberships, List<String> scopes, Duration lifetime) {
        Map<String, Object> claims = claims(audience, subject, namespace, memberships, lifetime);
        if (!scopes.isEmpty()) {
            claims.put("scope", String.join(" ", scopes));
        }
        return sign(Map.of("alg", "RS256", "typ", "at+jwt", "kid", KEY_ID), claims);
    }

    /**
     * An OpenID Connect ID token: addressed to the client ({@code aud} is its client id), with the account's claims
     * and no scope, so an API that requires one refuses it.
     */
    String idToken(String subject, String namespace, String memberships, String clientId, Duration lifetime) {
        return sign(Map.of("alg", "RS256", "typ", "JWT", "kid", KEY_ID), claims(clientId, subject, namespace, memberships, lifetime));
    }

    private Map<String, Object> claims(String audience, String subject, String namespace, String memberships, Duration lifetime) {
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("aud", audience);
        claims.put("sub", subject);
        if (namespace != null) {
            claims.put("namespace", namespace);
        }
        if (memberships != null) {
            claims.put(NAMESPACES_CLAIM, memberships);
        }
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("exp", now.plus(lifetime).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        return claims;
    }

    /** Signs arbitrary claims: tests use it to make expired or wrongly addressed tokens. */
    String sign(Map<String, Object> header, Map<String, Object> claims) {
        try {
            String signingInput = Base64Url.encode(JSON.writeValueAsBytes(header)) + "." + Base64Url.encode(JSON.writeValueAsBytes(claims));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(keys.getPrivate());
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64Url.encode(rsa.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public Map<String, Object> jwks() {
        RSAPublicKey publicKey = (RSAPublicKey) keys.getPublic();
        return Map.of("keys", List.of(Map.of(
                "kty", "RSA", "use", "sig", "alg", "RS256", "kid", KEY_ID,
                "n", Base64Url.encode(unsigned(publicKey.getModulus())),
                "e", Base64Url.encode(unsigned(publicKey.getPublicExponent())))));
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }
}
