package dev.registrytokens.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.runtime.SnapStart;
import dev.registrytokens.core.DomainException;
import dev.registrytokens.json.Json;
import java.util.Map;

/**
 * The shared shell of every HTTP API handler: runs the action, maps failures to HTTP, and writes one
 * access-log line (never a body or a header, so never a secret).
 */
public abstract class ApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    /** Held here: the runtime keeps SnapStart hooks only weakly. */
    private final SnapStart snapStart = SnapStart.primeBeforeSnapshot(this::prime);

    protected abstract APIGatewayV2HTTPResponse handle(ApiRequest request);

    /** How a domain error is answered: the project's error object, unless a protocol dictates another shape. */
    protected APIGatewayV2HTTPResponse errorResponse(ApiException error) {
        return ApiResponses.error(error);
    }

    /**
     * SnapStart priming: runs this handler on {@link #primingRequest()}, which reads and never writes. Handlers
     * whose path that request does not reach, or whose path has side effects, prime otherwise.
     */
    protected void prime() {
        handleRequest(primingRequest(), null);
    }

    /**
     * A management request as API Gateway would send it, for the priming account and a token that cannot exist,
     * with a valid edit body: handlers read and answer 404 (or 200 for an empty list), and write nothing.
     */
    protected static APIGatewayV2HTTPEvent primingRequest() {
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey("SnapStart priming")
                .withHeaders(Map.of("content-type", "application/json"))
                .withPathParameters(Map.of("id", SnapStart.PRIMING_TOKEN_ID))
                .withQueryStringParameters(Map.of("limit", "1"))
                .withBody("{\"description\":\"SnapStart priming\"}")
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("snapstart-priming")
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                        .withClaims(Map.of("sub", SnapStart.PRIMING_ACCOUNT, "namespace", SnapStart.PRIMING_ACCOUNT)).build())
                                .build())
                        .build())
                .build();
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
