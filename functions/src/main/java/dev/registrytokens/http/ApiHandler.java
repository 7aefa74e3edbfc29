package dev.registrytokens.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.core.ApiException;

/**
 * The shared shell of every HTTP API handler: runs the action, maps failures to HTTP, and writes one
 * access-log line (never a body or a header, so never a secret).
 */
public abstract class ApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    protected abstract APIGatewayV2HTTPResponse handle(ApiRequest request);

    @Override
    public final APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        ApiRequest request = new ApiRequest(event);
        APIGatewayV2HTTPResponse response;
        String failure = null;
        try {
            response = handle(request);
        } catch (ApiException e) {
            response = ApiResponses.error(e);
            failure = e.code();
        } catch (RuntimeException e) {
            response = ApiResponses.internalError();
            failure = e.getClass().getName();
            e.printStackTrace();
        }
        System.out.println(Json.write(new AccessLogLine(request.requestId(), request.routeKey(), request.pathParameter("id"),
                response.getStatusCode(), failure)));
        return response;
    }

    private record AccessLogLine(String requestId, String route, String tokenId, int status, String failure) {
    }
}
