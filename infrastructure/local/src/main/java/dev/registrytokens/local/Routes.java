package dev.registrytokens.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The HTTP API's routes and authorizers as template.yaml declares them. */
final class Routes {
    sealed interface Authorizer permits None, Jwt, LambdaRequest {
    }

    record None() implements Authorizer {
    }

    /** {@code scopes}: the route's authorization scopes, of which the token must carry one (none: any token). */
    record Jwt(String name, String issuer, List<String> audiences, List<String> scopes) implements Authorizer {
    }

    /** A Lambda REQUEST authorizer, payload 2.0 with simple responses. */
    record LambdaRequest(String name, String function, List<String> identityHeaders) implements Authorizer {
    }

    /** {@code function} is the logical id of the function that serves the route. */
    record Route(String method, String path, Pattern pattern, List<String> parameterNames, String function, Authorizer authorizer) {
        String routeKey() {
            return method + " " + path;
        }
    }

    record Match(Route route, Map<String, String> pathParameters) {
    }

    private final List<Route> routes;

    private Routes(List<Route> routes) {
        this.routes = routes;
    }

    List<Route> all() {
        return routes;
    }

    static Routes fromTemplate(JsonNode template, TemplateValues values) {
        JsonNode resources = template.get("Resources");
        JsonNode api = resources.valueStream()
                .filter(r -> r.path("Type").asText().equals("AWS::Serverless::HttpApi")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the template has no AWS::Serverless::HttpApi"));
        JsonNode auth = api.at("/Properties/Auth");
        List<Route> routes = new ArrayList<>();
        for (Map.Entry<String, JsonNode> resource : resources.properties()) {
            if (!resource.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                continue;
            }
            for (JsonNode event : resource.getValue().at("/Properties/Events")) {
                if (!event.path("Type").asText().equals("HttpApi")) {
                    continue;
                }
                JsonNode properties = event.path("Properties");
                String authorizerName = properties.at("/Auth/Authorizer").asText(auth.path("DefaultAuthorizer").asText("NONE"));
                String path = properties.path("Path").asText();
                List<String> names = new ArrayList<>();
                Matcher parameter = Pattern.compile("\\{([^}+]+)(\\+?)}").matcher(path);
                StringBuilder regex = new StringBuilder();
                int last = 0;
                while (parameter.find()) {
                    regex.append(Pattern.quote(path.substring(last, parameter.start())));
                    regex.append(parameter.group(2).isEmpty() ? "([^/]+)" : "(.+)");
                    names.add(parameter.group(1));
                    last = parameter.end();
                }
                regex.append(Pattern.quote(path.substring(last)));
                routes.add(new Route(properties.path("Method").asText().toUpperCase(), path, Pattern.compile(regex.toString()),
                        names, resource.getKey(), authorizer(authorizerName, properties.at("/Auth/AuthorizationScopes"), auth, values)));
            }
        }
        return new Routes(routes);
    }

    /** {@code routeScopes}: the event's own AuthorizationScopes, which replace its authorizer's (as SAM applies them). */
    private static Authorizer authorizer(String name, JsonNode routeScopes, JsonNode auth, TemplateValues values) {
        if (name.equals("NONE")) {
            return new None();
        }
        JsonNode definition = auth.path("Authorizers").path(name);
        if (definition.has("JwtConfiguration")) {
            JsonNode jwt = definition.get("JwtConfiguration");
            JsonNode scopes = routeScopes.isMissingNode() ? definition.path("AuthorizationScopes") : routeScopes;
            return new Jwt(name, values.resolve(jwt.path("issuer")),
                    jwt.path("audience").valueStream().map(values::resolve).toList(), scopes.valueStream().map(values::resolve).toList());
        }
        if (definition.has("FunctionArn")) {
            // !GetAtt Fn.Arn, or !Ref Fn.Alias (the SnapStart alias that AutoPublishAlias makes)
            JsonNode arn = definition.path("FunctionArn");
            String function = arn.has("Ref") ? arn.get("Ref").asText().replaceFirst("\\.Alias$", "")
                    : arn.at("/Fn::GetAtt/0").asText();
            List<String> headers = definition.at("/Identity/Headers").valueStream().map(JsonNode::asText).toList();
            return new LambdaRequest(name, function, headers);
        }
        throw new IllegalArgumentException("unsupported authorizer " + name);
    }

    /**
     * The route for a request as API Gateway picks it, most specific first: a path without a greedy {@code {proxy+}}
     * before one with it, and on either, the request's method before ANY.
     */
    Optional<Match> match(String method, String path) {
        for (boolean greedy : List.of(false, true)) {
            for (String candidateMethod : List.of(method, "ANY")) {
                for (Route route : routes) {
                    Matcher matcher = route.pattern().matcher(path);
                    if (route.path().contains("+}") == greedy && route.method().equals(candidateMethod) && matcher.matches()) {
                        Map<String, String> parameters = new java.util.LinkedHashMap<>();
                        for (int i = 0; i < route.parameterNames().size(); i++) {
                            parameters.put(route.parameterNames().get(i), matcher.group(i + 1));
                        }
                        return Optional.of(new Match(route, parameters));
                    }
                }
            }
        }
        return Optional.empty();
    }
}
