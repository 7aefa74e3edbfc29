package dev.registrytokens.unmatched;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.http.ApiException;
import dev.registrytokens.http.ApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the HTTP API answers when no route serves a request, in the project's error shape rather than API Gateway's
 * {@code {"message":"Not Found"}}: {@code ANY} routes on every path that has routes answer 405 with {@code Allow}
 * (API Gateway prefers a route with the request's method, so these see only the methods the path does not serve),
 * and {@code ANY /{proxy+}} answers 404 for every other path.
 */
public class UnmatchedRequestHandler extends ApiHandler {
    private static final String CATCH_ALL = "ANY /{proxy+}";
    private final Map<String, String> allowedByPath;

    public UnmatchedRequestHandler() {
        this(parseAllowedMethods(AwsClients.requiredEnv("ALLOWED_METHODS")));
    }

    UnmatchedRequestHandler(Map<String, String> allowedByPath) {
        this.allowedByPath = allowedByPath;
    }

    /** {@code PATH=METHOD,METHOD;PATH=...} (as template.yaml writes it; TemplateTest checks it against the routes). */
    public static Map<String, String> parseAllowedMethods(String value) {
        Map<String, String> allowed = new LinkedHashMap<>();
        for (String entry : value.split(";")) {
            int equals = entry.indexOf('=');
            allowed.put(entry.substring(0, equals).trim(), String.join(", ", entry.substring(equals + 1).trim().split(",")));
        }
        return allowed;
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        String routeKey = request.routeKey();
        String allowed = routeKey == null || routeKey.equals(CATCH_ALL) ? null : allowedByPath.get(routeKey.substring(routeKey.indexOf(' ') + 1));
        if (allowed == null) {
            throw new ApiException(404, "not_found", "No such resource.", null);
        }
        return ApiResponses.methodNotAllowed(allowed);
    }
}
