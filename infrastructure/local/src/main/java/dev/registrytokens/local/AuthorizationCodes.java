package dev.registrytokens.local;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dev issuer's authorization code flow with PKCE (RFC 6749 section 4.1, RFC 7636 with S256 only) for its one
 * public client: {@code /authorize} shows a form to sign in as any account, with any namespace and memberships
 * (NAMESPACE:ROLE pairs), and sends the browser back
 * with a one-time code; {@code POST /token} exchanges that code, with the PKCE verifier, for an access token that
 * the local gateway's JWT authorizer accepts when it was granted the management scope, and an ID token when
 * {@code openid} was asked for. Of the scopes asked for, the issuer grants {@code openid} and the management scope.
 */
final class AuthorizationCodes {
    private static final Duration CODE_LIFETIME = Duration.ofMinutes(1);
    private static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofHours(1);
    // RFC 7636: a verifier is 43 to 128 characters of this set; an S256 challenge is 43 base64url characters.
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Pattern ACCOUNT = Pattern.compile(DevIssuer.NAME);
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Grant(String subject, String namespace, String memberships, List<String> scopes, String challenge, Instant expiresAt) {
    }

    private final DevIssuer issuer;
    private final DevIssuer.Client client;
    private final Map<String, Grant> grantsByCode = new ConcurrentHashMap<>();

    AuthorizationCodes(DevIssuer issuer, DevIssuer.Client client) {
        this.issuer = issuer;
        this.client = client;
    }

    /** GET shows the sign-in form; POST (the form) signs in and sends the browser back to the client with a code. */
    void authorize(HttpExchange exchange) throws IOException {
        boolean submitted = exchange.getRequestMethod().equals("POST");
        Map<String, String> request = GatewayEvents.parseQuery(submitted
                ? new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                : exchange.getRequestURI().getRawQuery());
        // Never redirect to an address the client did not register: a wrong client or redirect URI is shown, not sent.
        if (!client.clientId().equals(request.get("client_id")) || !client.redirectUri().equals(request.get("redirect_uri"))) {
            sendPage(exchange, 400, "<p>Unknown client_id or redirect_uri.</p>");
            return;
        }
        String problem = !"code".equals(request.get("response_type")) ? "unsupported_response_type"
                : !"S256".equals(request.get("code_challenge_method")) || request.get("code_challenge") == null
                        || !CHALLENGE.matcher(request.get("code_challenge")).matches() ? "invalid_request"
                : null;
        if (problem != null) {
            redirect(exchange, "error=" + problem, request.get("state"));
            return;
        }
        // The namespace defaults to the account only for a sign-in that names no memberships.
        String account = request.getOrDefault("account", "");
        String membershipsText = request.getOrDefault("namespaces", "");
        Optional<String> memberships = DevIssuer.memberships(membershipsText);
        String namespace = !request.getOrDefault("namespace", "").isBlank() ? request.get("namespace")
                : membershipsText.isBlank() ? account : null;
        String rejection = !ACCOUNT.matcher(account).matches() || (namespace != null && !ACCOUNT.matcher(namespace).matches())
                ? "The account and namespace must be lowercase letters and digits, with single '.', '_' or '-' between them."
                : !membershipsText.isBlank() && memberships.isEmpty() ? DevIssuer.MEMBERSHIPS_RULE
                : null;
        if (!submitted || rejection != null) {
            sendPage(exchange, 200, signInForm(request, submitted ? rejection : null));
            return;
        }
        String code = randomCode();
        List<String> scopes = Arrays.stream(request.getOrDefault("scope", "").split(" "))
                .filter(scope -> scope.equals("openid") || scope.equals(issuer.scope())).distinct().toList();
        grantsByCode.put(code, new Grant(account, namespace, memberships.orElse(null), scopes, request.get("code_challenge"),
                Instant.now().plus(CODE_LIFETIME)));
        redirect(exchange, "code=" + code, request.get("state"));
    }

    /** The token endpoint: a code is good once, for its client and redirect URI, with the verifier of its challenge. */
    void exchange(HttpExchange exchange) throws IOException {
        Map<String, String> form = GatewayEvents.parseQuery(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (!"authorization_code".equals(form.get("grant_type"))) {
            DevIssuer.sendJson(exchange, 400, Map.of("error", "unsupported_grant_type"));
            return;
        }
        if (!client.clientId().equals(form.get("client_id"))) {
            DevIssuer.sendJson(exchange, 401, Map.of("error", "invalid_client"));
            return;
        }
        Grant grant = form.get("code") == null ? null : grantsByCode.remove(form.get("code"));
        String verifier = form.getOrDefault("code_verifier", "");
        if (grant == null || grant.expiresAt().isBefore(Instant.now()) || !client.redirectUri().equals(form.get("redirect_uri"))
                || !VERIFIER.matcher(verifier).matches() || !MessageDigest.isEqual(
                        Base64Url.encode(sha256(verifier)).getBytes(StandardCharsets.US_ASCII),
                        grant.challenge().getBytes(StandardCharsets.US_ASCII))) {
            DevIssuer.sendJson(exchange, 400, Map.of("error", "invalid_grant",
                    "error_description", "The code is unknown, used, expired, or not for this redirect URI and verifier."));
            return;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("access_token", issuer.accessToken(grant.subject(), grant.namespace(), grant.memberships(), grant.scopes(),
                ACCESS_TOKEN_LIFETIME));
        if (grant.scopes().contains("openid")) {
            answer.put("id_token", issuer.idToken(grant.subject(), grant.namespace(), grant.memberships(), client.clientId(),
                    ACCESS_TOKEN_LIFETIME));
        }
        answer.put("token_type", "Bearer");
        answer.put("expires_in", ACCESS_TOKEN_LIFETIME.toSeconds());
        answer.put("scope", String.join(" ", grant.scopes()));
        DevIssuer.sendJson(exchange, 200, answer);
    }

    private void redirect(HttpExchange exchange, String result, String state) throws IOException {
        String location = client.redirectUri() + "?" + result
                + (state == null ? "" : "&state=" + URLEncoder.encode(state, StandardCharsets.UTF_8));
        exchange.getResponseHeaders().set("Location", location);
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    /** The form carries the client's request along in hidden fields, so that its POST can redirect as the GET would. */
    private static String signInForm(Map<String, String> request, String rejection) {
        StringBuilder hidden = new StringBuilder();
        for (String name : new String[] {"response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"}) {
            if (request.get(name) != null) {
                hidden.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"").append(escape(request.get(name))).append("\">");
            }
        }
        return "<h1>Dev issuer: sign in</h1>"
                + (rejection != null ? "<p role=\"alert\">" + escape(rejection) + "</p>" : "")
                + "<form method=\"post\" action=\"/authorize\">" + hidden
                + "<p><label for=\"account\">Sign in as ACCOUNT</label><br><input id=\"account\" name=\"account\" required value=\""
                + escape(request.getOrDefault("account", "")) + "\"></p>"
                + "<p><label for=\"namespace\">NAMESPACE (defaults to the account when NAMESPACES is empty)</label><br>"
                + "<input id=\"namespace\" name=\"namespace\" value=\"" + escape(request.getOrDefault("namespace", "")) + "\"></p>"
                + "<p><label for=\"namespaces\">NAMESPACES (NAMESPACE:ROLE pairs, e.g. acme:owner widgets:viewer)</label><br>"
                + "<input id=\"namespaces\" name=\"namespaces\" value=\"" + escape(request.getOrDefault("namespaces", "")) + "\"></p>"
                + "<p><button type=\"submit\">Sign in</button></p></form>";
    }

    private void sendPage(HttpExchange exchange, int status, String body) throws IOException {
        // form-action covers the redirect that answers the form, so it names the client's origin too.
        exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; form-action 'self' "
                + URI.create(client.redirectUri()).resolve("/").toString().replaceAll("/$", "") + "; frame-ancestors 'none'");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        DevIssuer.send(exchange, status, "text/html; charset=utf-8", "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Sign in</title></head><body><main>"
                + body + "</main></body></html>");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String randomCode() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64Url.encode(bytes);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
