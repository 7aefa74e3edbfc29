package dev.registrytokens.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.runtime.SnapStart;
import dev.registrytokens.core.DomainException;
import dev.registrytokens.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The shared shell of every HTTP API handler: runs the action, maps failures to HTTP, and writes one
 * access-log line (never a body or a header, so never a secret). Lambda calls it with the event's JSON
 * ({@link RequestStreamHandler}, read and written by {@link HttpEvents}); tests and priming with the event itself.
 */
public abstract class ApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>, RequestStreamHandler {
    /** Held here: the runtime keeps SnapStart hooks only weakly. */
    private final SnapStart snapStart = SnapStart.primeBeforeSnapshot(this::prime);

    protected abstract APIGatewayV2HTTPResponse handle(ApiRequest request);

    /** How a domain error is answered: the project's error object, unless a protocol dictates another shape. */
    protected APIGatewayV2HTTPResponse errorResponse(ApiException error) {
        return ApiResponses.error(error);
    }

    /**
     * SnapStart priming: runs this handler on {@link #PRIMING_REQUEST} through the JSON entry point Lambda calls; it
     * reads and never writes. Handlers whose path that request does not reach, or whose path has side effects, prime
     * otherwise.
     */
    protected void prime() {
        primeOn(Map.of("id", SnapStart.PRIMING_TOKEN_ID));
    }

    /** Priming on {@link #PRIMING_REQUEST} with these path parameters, for routes that take others than a token id. */
    protected final void primeOn(Map<String, String> pathParameters) {
        String request = PRIMING_REQUEST.formatted(Json.write(pathParameters));
        try {
            handleRequest(new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)), OutputStream.nullOutputStream(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A management request as API Gateway would send it (its path parameters to fill in), for the priming account and
     * a token that cannot exist, with a valid edit body: handlers read and answer 404 (or 200 for an empty list), and
     * write nothing.
     */
    private static final String PRIMING_REQUEST = """
            {"version": "2.0", "routeKey": "SnapStart priming",
             "headers": {"content-type": "application/json"},
             "pathParameters": %%s, "queryStringParameters": {"limit": "1"},
             "requestContext": {"requestId": "snapstart-priming",
                                "authorizer": {"jwt": {"claims": {"sub": "%s", "namespace": "%s"}}}},
             "body": "{\\"description\\":\\"SnapStart priming\\"}", "isBase64Encoded": false}
            """.formatted(SnapStart.PRIMING_ACCOUNT, SnapStart.PRIMING_ACCOUNT);

    @Override
    public final void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        HttpEvents.write(handleRequest(HttpEvents.read(event), context), response);
    }

    @Override
    public final APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        ApiRequest request = new ApiRequest(event);
        APIGatewayV2HTTPResponse response;
        String failure = null;
        String cause = null;
        try {
            response = handle(request);
        } catch (ApiException e) {
            response = errorResponse(e);
            failure = e.code();
        } catch (DomainException e) {
            response = errorResponse(ApiException.from(e));
            failure = e.code();
            cause = e instanceof DomainException.Unavailable unavailable ? unavailable.diagnosis() : null;
        } catch (RuntimeException e) {
            response = ApiResponses.internalError();
            failure = e.getClass().getName();
            e.printStackTrace();
        }
        System.out.println(Json.write(new AccessLogLine(request.requestId(), request.routeKey(), request.pathParameter("namespace"),
                request.pathParameter("id"), response.getStatusCode(), failure, cause)));
        return response;
    }

    /** {@code cause}: for a 503, the dependency and the kind of its trouble (timeout, connect, throttle, ...). */
    private record AccessLogLine(String requestId, String route, String namespace, String tokenId, int status, String failure,
                                 String cause) {
    }
}
