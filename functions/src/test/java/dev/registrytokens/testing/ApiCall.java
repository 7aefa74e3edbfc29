package dev.registrytokens.testing;

import dev.registrytokens.testkit.ProjectFiles;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/**
 * One request to a handler, starting from the project's own event file in events/ (deserialised by the
 * Lambda Java serialization library, as the runtime does) and changed only where the test says.
 */
public final class ApiCall {
    private final APIGatewayV2HTTPEvent event;

    private ApiCall(APIGatewayV2HTTPEvent event) {
        this.event = event;
    }

    public static ApiCall from(String eventFile) {
        return new ApiCall(load(eventFile));
    }

    public static APIGatewayV2HTTPEvent load(String eventFile) {
        return load(eventFile, APIGatewayV2HTTPEvent.class);
    }

    /** An event file, read as the Lambda Java runtime reads its input. */
    public static <T> T load(String eventFile, Class<T> type) {
        try (InputStream in = Files.newInputStream(ProjectFiles.event(eventFile))) {
            return LambdaEventSerializers.serializerFor(type, ApiCall.class.getClassLoader()).fromJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The caller as the JWT authorizer would pass it on. */
    public ApiCall as(TestAccount account) {
        Map<String, String> claims = new HashMap<>(event.getRequestContext().getAuthorizer().getJwt().getClaims());
        claims.put("sub", account.id());
        claims.put("namespace", account.namespace());
        event.getRequestContext().getAuthorizer().getJwt().setClaims(claims);
        return this;
    }

    /**
     * A caller whose JWT has only a subject and the namespaces claim ({@code "acme:owner widgets:viewer"}, or null for
     * none), no {@code namespace} claim.
     */
    public ApiCall asMember(String subject, String namespacesClaim) {
        Map<String, String> claims = new HashMap<>(event.getRequestContext().getAuthorizer().getJwt().getClaims());
        claims.remove("namespace");
        claims.put("sub", subject);
        if (namespacesClaim == null) {
            claims.remove("registry_namespaces");
        } else {
            claims.put("registry_namespaces", namespacesClaim);
        }
        event.getRequestContext().getAuthorizer().getJwt().setClaims(claims);
        return this;
    }

    /** One more claim of the verified JWT. */
    public ApiCall claim(String name, String value) {
        Map<String, String> claims = new HashMap<>(event.getRequestContext().getAuthorizer().getJwt().getClaims());
        claims.put(name, value);
        event.getRequestContext().getAuthorizer().getJwt().setClaims(claims);
        return this;
    }

    /** The same request on the namespace's route: {@code /namespaces/{namespace}/tokens…} instead of {@code /tokens…}. */
    public ApiCall namespace(String namespace) {
        routeKey(event.getRouteKey().replaceFirst(" /tokens", " /namespaces/{namespace}/tokens"));
        event.setRawPath("/namespaces/" + namespace + event.getRawPath());
        event.getRequestContext().getHttp().setPath(event.getRawPath());
        pathParameter("namespace", namespace);
        return this;
    }

    /** The same route in another namespace: the path's {@code {namespace}} (for routes that exist only under it). */
    public ApiCall inNamespace(String namespace) {
        event.setRawPath(event.getRawPath().replaceFirst("^/namespaces/[^/]+", "/namespaces/" + namespace));
        event.getRequestContext().getHttp().setPath(event.getRawPath());
        pathParameter("namespace", namespace);
        return this;
    }

    /** No authorizer result at all, as if the route were reached without a verified JWT. */
    public ApiCall anonymous() {
        event.getRequestContext().setAuthorizer(null);
        return this;
    }

    public ApiCall id(String tokenId) {
        pathParameter("id", tokenId);
        event.setRawPath(event.getRawPath().replaceFirst("/tokens/[^/]+", "/tokens/" + tokenId));
        return this;
    }

    private void pathParameter(String name, String value) {
        Map<String, String> parameters = event.getPathParameters() == null ? new HashMap<>() : new HashMap<>(event.getPathParameters());
        parameters.put(name, value);
        event.setPathParameters(parameters);
    }

    public ApiCall body(String json) {
        event.setBody(json);
        return this;
    }

    public ApiCall routeKey(String routeKey) {
        event.setRouteKey(routeKey);
        event.getRequestContext().setRouteKey(routeKey);
        return this;
    }

    /** A body as API Gateway passes bytes it does not treat as text: base64. */
    public ApiCall base64Body(byte[] bytes) {
        event.setBody(java.util.Base64.getEncoder().encodeToString(bytes));
        event.setIsBase64Encoded(true);
        return this;
    }

    /** The request from another client: API Gateway's source address and the X-Forwarded-For it sets. */
    public ApiCall source(String sourceIp) {
        event.getRequestContext().getHttp().setSourceIp(sourceIp);
        return header("x-forwarded-for", sourceIp);
    }

    /** The request under another id: API Gateway's, which the functions' log lines carry. */
    public ApiCall requestId(String requestId) {
        event.getRequestContext().setRequestId(requestId);
        return this;
    }

    public ApiCall withoutHeader(String name) {
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.remove(name.toLowerCase());
        event.setHeaders(headers);
        return this;
    }

    public ApiCall header(String name, String value) {
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        headers.put(name.toLowerCase(), value);
        event.setHeaders(headers);
        return this;
    }

    /** Sets a query parameter (replacing the event's own), encoded into the raw query string as a client would. */
    public ApiCall query(String name, String value) {
        String encodedName = java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8);
        String raw = event.getRawQueryString() == null ? "" : event.getRawQueryString();
        java.util.List<String> pairs = new java.util.ArrayList<>(java.util.Arrays.stream(raw.split("&"))
                .filter(pair -> !pair.isEmpty() && !pair.equals(encodedName) && !pair.startsWith(encodedName + "=")).toList());
        pairs.add(encodedName + "=" + java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
        return rawQuery(String.join("&", pairs));
    }

    /**
     * The query string as the client sent it (repeated parameters kept), and API Gateway's joined map (none for text
     * that is not valid URL encoding, as the local gateway passes it).
     */
    public ApiCall rawQuery(String rawQuery) {
        event.setRawQueryString(rawQuery);
        Map<String, String> joined = new java.util.LinkedHashMap<>();
        try {
            dev.registrytokens.http.FormEncoding.decode(rawQuery).forEach((name, values) -> joined.put(name, String.join(",", values)));
        } catch (dev.registrytokens.http.FormEncoding.Malformed e) {
            joined.clear();
        }
        event.setQueryStringParameters(joined.isEmpty() ? null : joined);
        return this;
    }

    /** The context the registry authorizer passes on; null for none. */
    public ApiCall authorizerContext(Map<String, Object> context) {
        event.getRequestContext().setAuthorizer(context == null ? null
                : APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder().withLambda(context).build());
        return this;
    }

    public ApiCall noQuery() {
        event.setQueryStringParameters(null);
        event.setRawQueryString("");
        return this;
    }

    public ApiResult to(RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler) {
        return ApiResult.of(event.getRouteKey(), handler.handleRequest(event, null));
    }
}
