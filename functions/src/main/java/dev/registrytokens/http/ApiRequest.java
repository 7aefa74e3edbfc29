package dev.registrytokens.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.registrytokens.core.Caller;
import dev.registrytokens.core.DomainException;
import dev.registrytokens.core.Namespaces;
import dev.registrytokens.core.RequestOrigin;
import dev.registrytokens.core.Role;
import dev.registrytokens.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Optional;
import java.util.List;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Read access to an API Gateway HTTP API (payload 2.0) request, with the checks every handler shares. */
public final class ApiRequest {
    /** Room for the largest body the document allows (100 repository rules of the longest pattern, about 30 KB). */
    static final int MAX_BODY_BYTES = 32 * 1024;
    /** The claim naming the caller's own registry namespace, which they own and the {@code /tokens} routes act on. */
    static final String NAMESPACE_CLAIM = "namespace";
    /** The claim listing the caller's namespaces and roles by default: the template's NamespacesClaim parameter's default. */
    public static final String DEFAULT_NAMESPACES_CLAIM = "registry_namespaces";
    /** A version as this API writes it in an ETag: no sign, no leading zero. */
    private static final Pattern VERSION = Pattern.compile("0|[1-9][0-9]{0,17}");
    private static final Pattern OPTIONAL_WHITESPACE = Pattern.compile("^[ \\t]+|[ \\t]+$");
    /** RFC 9110 entity-tag: optional weakness indicator, then opaque characters in double quotes. */
    private static final Pattern ENTITY_TAG = Pattern.compile("(W/)?\"([\\x21\\x23-\\x7e\\x80-\\xff]*)\"");
    /** A version no token has (they start at 1): what a tag that can never match strongly stands for. */
    private static final long NO_VERSION = 0;

    private final APIGatewayV2HTTPEvent event;

    public ApiRequest(APIGatewayV2HTTPEvent event) {
        this.event = event;
    }

    /**
     * The caller, from the claims API Gateway's JWT authorizer verified; no claims means no access. Their namespaces are
     * the {@code namespacesClaim} (space-separated {@code NAMESPACE:ROLE} pairs, or the {@code [a:owner b:viewer]} that
     * API Gateway makes of an array claim), and the {@code namespace} claim, whose namespace they own. A pair that names
     * no valid namespace or role grants nothing; where a namespace is named twice, the higher role counts.
     */
    public Caller caller(String namespacesClaim) {
        Map<String, String> claims = claims();
        Map<String, Role> roles = new HashMap<>();
        String memberships = claims.get(namespacesClaim);
        if (memberships != null) {
            String list = memberships.strip();
            if (list.startsWith("[") && list.endsWith("]")) {
                list = list.substring(1, list.length() - 1);
            }
            for (String pair : list.split("[\\s,]+")) {
                int colon = pair.lastIndexOf(':');
                String namespace = colon < 0 ? null : pair.substring(0, colon);
                Optional<Role> role = colon < 0 ? Optional.empty() : Role.parse(pair.substring(colon + 1));
                if (Namespaces.isWellFormed(namespace) && role.isPresent()) {
                    roles.merge(namespace, role.get(), (a, b) -> a.atLeast(b) ? a : b);
                }
            }
        }
        personalNamespace(claims).ifPresent(namespace -> roles.put(namespace, Role.OWNER));
        return new Caller(claims.get("sub"), roles);
    }

    /**
     * The namespace the {@code /tokens} routes act on: the one the {@code namespace} claim names (the caller's own).
     * Without it they act on none: the caller is sent to {@code /namespaces/{namespace}/tokens}.
     */
    public String personalNamespace() {
        return personalNamespace(claims()).orElseThrow(() -> new DomainException.Forbidden("no_namespace",
                "Your identity has no namespace claim, which the /tokens routes act on; use /namespaces/{namespace}/tokens"
                        + " (GET /namespaces lists yours).", null));
    }

    private Optional<String> personalNamespace(Map<String, String> claims) {
        String namespace = claims.get(NAMESPACE_CLAIM);
        if (namespace == null) {
            return Optional.empty();
        }
        if (!Namespaces.isWellFormed(namespace)) {
            throw new DomainException.Forbidden("invalid_namespace",
                    "The account's namespace must be 1 to 64 lowercase letters or digits, optionally separated by '.', '_' or '-'.",
                    "namespace");
        }
        return Optional.of(namespace);
    }

    private Map<String, String> claims() {
        var context = event.getRequestContext();
        var authorizer = context == null ? null : context.getAuthorizer();
        var jwt = authorizer == null ? null : authorizer.getJwt();
        Map<String, String> claims = jwt == null ? null : jwt.getClaims();
        if (claims == null || claims.get("sub") == null || claims.get("sub").isBlank()) {
            throw ApiException.unauthorized();
        }
        return claims;
    }

    public String pathParameter(String name) {
        Map<String, String> parameters = event.getPathParameters();
        return parameters == null ? null : parameters.get(name);
    }

    public String header(String name) {
        return Headers.get(event.getHeaders(), name);
    }

    /**
     * Every value of a query parameter, from the raw query string: API Gateway joins repeated parameters
     * with commas in queryStringParameters, which is ambiguous for values that hold commas themselves.
     * Malformed encoding is 400 {@code invalid_request}.
     */
    public List<String> queryParameters(String name) {
        return query().getOrDefault(name, List.of());
    }

    /** A query parameter given at most once (null if absent), from the raw query string. */
    public String queryParameter(String name) {
        List<String> values = queryParameters(name);
        if (values.size() > 1) {
            throw ApiException.badRequest("invalid_request", "The query parameter " + name + " may be given once.", name);
        }
        return values.isEmpty() ? null : values.getFirst();
    }

    private Map<String, List<String>> query() {
        try {
            return FormEncoding.decode(event.getRawQueryString());
        } catch (FormEncoding.Malformed e) {
            throw ApiException.badRequest("invalid_request", "The query string is not valid URL encoding: " + e.getMessage() + ".", null);
        }
    }

    /** A list's page size: the {@code limit} parameter, a whole number (the service checks its range), or {@code defaultLimit}. */
    public int pageLimit(int defaultLimit, int maxLimit) {
        String value = queryParameter("limit");
        if (value == null) {
            return defaultLimit;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid_value", "limit must be a whole number from 1 to " + maxLimit + ".", "limit");
        }
    }

    /** The context a Lambda authorizer passed on, or an empty map. */
    public Map<String, Object> authorizerContext() {
        var context = event.getRequestContext();
        var authorizer = context == null ? null : context.getAuthorizer();
        Map<String, Object> lambda = authorizer == null ? null : authorizer.getLambda();
        return lambda == null ? Map.of() : lambda;
    }

    /**
     * The version If-Match requires (RFC 9110, for a write), or null when it is absent or {@code *} (any current
     * version). The comparison is strong: a weak tag ({@code W/"3"}) or another tag ({@code "03"}) matches no version,
     * so the write fails with 412. The bare form {@code 3} is also accepted, as documented. A value that is no
     * entity-tag at all (empty, unbalanced quotes, garbage, a list) is 400.
     */
    public Long ifMatch() {
        String value = header("If-Match");
        if (value == null) {
            return null;
        }
        // Only the optional whitespace (SP, HTAB) around a field value; anything else is part of the value.
        String trimmed = OPTIONAL_WHITESPACE.matcher(value).replaceAll("");
        if (trimmed.equals("*")) {
            return null;
        }
        if (VERSION.matcher(trimmed).matches()) {
            return Long.parseLong(trimmed);
        }
        Matcher tag = ENTITY_TAG.matcher(trimmed);
        if (!tag.matches()) {
            throw ApiException.badRequest("invalid_header",
                    "If-Match must be one entity-tag, such as \"3\" (or the bare version 3), or *.", "If-Match");
        }
        boolean weak = tag.group(1) != null;
        return !weak && VERSION.matcher(tag.group(2)).matches() ? Long.parseLong(tag.group(2)) : NO_VERSION;
    }

    /** The body's bytes (API Gateway base64-encodes some), at most 32 KiB; {@code code} names what it should have been. */
    private byte[] body(String code, String expected) {
        String body = event.getBody();
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest(code, "The request body must be " + expected + ".", null);
        }
        byte[] bytes;
        try {
            bytes = event.getIsBase64Encoded() ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(code, "The request body is not valid base64.", null);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ApiException(413, "payload_too_large", "The request body must be at most 32 KiB.", null);
        }
        return bytes;
    }

    /** The body's bytes exactly as the client sent them (what a signature covers), at most 32 KiB. */
    public byte[] rawBody() {
        return body("invalid_request", "the signed report");
    }

    /** An {@code application/x-www-form-urlencoded} body (an OAuth2 token request): each name's values, in order. */
    public Map<String, List<String>> formBody() {
        String contentType = header("Content-Type");
        if (contentType == null || !contentType.trim().toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw ApiException.badRequest("invalid_request", "The request body must be application/x-www-form-urlencoded.", "Content-Type");
        }
        try {
            return FormEncoding.decode(new String(body("invalid_request", "a form"), StandardCharsets.UTF_8));
        } catch (FormEncoding.Malformed e) {
            throw ApiException.badRequest("invalid_request", "The form body is not valid URL encoding: " + e.getMessage() + ".", null);
        }
    }

    /** The address the request came from, as API Gateway saw it (its TCP peer; never X-Forwarded-For). */
    public String sourceIp() {
        var context = event.getRequestContext();
        return context == null || context.getHttp() == null ? null : context.getHttp().getSourceIp();
    }

    /**
     * The body as a JSON object: {@code Content-Type: application/json} (415 otherwise), UTF-8, at most 32 KiB, and
     * exactly one JSON value (anything after it is an error, not ignored).
     */
    public ObjectNode jsonBody() {
        String contentType = header("Content-Type");
        if (contentType == null || !isJson(contentType)) {
            throw new ApiException(415, "unsupported_media_type", "The request body must be application/json (UTF-8).", "Content-Type");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body("invalid_json", "a JSON object"))).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("invalid_json", "The request body is not UTF-8.", null);
        }
        JsonNode node;
        try (JsonParser parser = Json.MAPPER.createParser(text)) {
            node = Json.MAPPER.readTree(parser);
            if (parser.nextToken() != null) {
                throw ApiException.badRequest("invalid_json", "The request body must hold one JSON object and nothing after it.", null);
            }
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid_json", "The request body is not valid JSON.", null);
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("invalid_json", "The request body could not be read.", null);
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiException.badRequest("invalid_json", "The request body must be a JSON object.", null);
        }
        return object;
    }

    /** The body as a JSON object (see {@link #jsonBody()}), or null when the request has no body. */
    public ObjectNode optionalJsonBody() {
        String body = event.getBody();
        return body == null || body.isEmpty() ? null : jsonBody();
    }

    /** {@code application/json}, with no parameter but a UTF-8 charset. */
    private static boolean isJson(String contentType) {
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim().toLowerCase(java.util.Locale.ROOT).replace("\"", "");
            if (!parameter.equals("charset=utf-8")) {
                return false;
            }
        }
        return true;
    }

    /** Where the request came from, for the audit log: API Gateway's source address, the User-Agent and the request id. */
    public RequestOrigin origin() {
        return new RequestOrigin(sourceIp(), header("User-Agent"), requestId());
    }

    public String routeKey() {
        return event.getRouteKey();
    }

    /** API Gateway's request id, to find a request in the logs. */
    public String requestId() {
        return event.getRequestContext() == null ? null : event.getRequestContext().getRequestId();
    }
}
