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
 * {@code {"message":"Not Found"}}: its routes on every path that has routes, one per method the path does not serve
 * (OPTIONS aside, which API Gateway answers as CORS preflight), answer 405 with {@code Allow}, and its routes on
 * {@code /{proxy+}} answer 404 for every other path.
 */
public class UnmatchedRequestHandler extends ApiHandler {
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
        // The catch-all's path, /{proxy+}, is none of ALLOWED_METHODS' paths.
        String allowed = routeKey == null ? null : allowedByPath.get(routeKey.substring(routeKey.indexOf(' ') + 1));
        if (allowed == null) {
            throw new ApiException(404, "not_found", "No such resource.", null);
        }
        return ApiResponses.methodNotAllowed(allowed);
    }
}
