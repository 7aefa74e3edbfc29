package dev.registrytokens.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP API's {@code CorsConfiguration}, applied as API Gateway applies it: it answers preflight {@code OPTIONS}
 * requests itself (when no route matches OPTIONS), before any authorizer; it adds its headers to every other answer
 * to an allowed origin; and it drops the CORS headers an integration sends.
 */
record Cors(List<String> allowOrigins, List<String> allowMethods, List<String> allowHeaders, List<String> exposeHeaders,
            Integer maxAge, boolean allowCredentials) {

    /**
     * The template's CORS configuration; {@code consoleOrigin} (where the local console is served from) stands in for
     * the deployed console's origin, which names its CloudFront distribution. Empty when the API configures no CORS.
     */
    static Optional<Cors> fromTemplate(JsonNode template, String consoleOrigin) {
        JsonNode configuration = template.get("Resources").valueStream()
                .filter(r -> r.path("Type").asText().equals("AWS::Serverless::HttpApi")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the template has no AWS::Serverless::HttpApi"))
                .at("/Properties/CorsConfiguration");
        if (configuration.isMissingNode()) {
            return Optional.empty();
        }
        List<String> origins = configuration.path("AllowOrigins").valueStream().map(origin -> {
            if (origin.isTextual()) {
                return origin.asText();
            }
            if (origin.toString().contains("ConsoleDistribution")) {
                return consoleOrigin;
            }
            throw new IllegalArgumentException("cannot resolve the CORS origin " + origin + " locally");
        }).toList();
        return Optional.of(new Cors(origins, texts(configuration.path("AllowMethods")), texts(configuration.path("AllowHeaders")),
                texts(configuration.path("ExposeHeaders")), configuration.has("MaxAge") ? configuration.get("MaxAge").asInt() : null,
                configuration.path("AllowCredentials").asBoolean(false)));
    }

    private static List<String> texts(JsonNode list) {
        return list.valueStream().map(JsonNode::asText).toList();
    }

    /** What API Gateway answers a preflight with (status 204): the configured headers, for an allowed origin only. */
    Map<String, String> preflightHeaders(String origin) {
        Map<String, String> headers = allowOrigin(origin);
        if (!headers.isEmpty()) {
            put(headers, "Access-Control-Allow-Methods", allowMethods);
            put(headers, "Access-Control-Allow-Headers", allowHeaders);
            if (maxAge != null) {
                headers.put("Access-Control-Max-Age", maxAge.toString());
            }
        }
        return headers;
    }

    /** The headers API Gateway adds to any other answer to a request from an allowed origin. */
    Map<String, String> responseHeaders(String origin) {
        Map<String, String> headers = allowOrigin(origin);
        if (!headers.isEmpty()) {
            put(headers, "Access-Control-Expose-Headers", exposeHeaders);
        }
        return headers;
    }

    /** A CORS response header, which API Gateway ignores in an integration's answer. */
    static boolean isCorsHeader(String name) {
        return name.toLowerCase(Locale.ROOT).startsWith("access-control-");
    }

    private Map<String, String> allowOrigin(String origin) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (origin != null && (allowOrigins.contains(origin) || allowOrigins.contains("*"))) {
            headers.put("Access-Control-Allow-Origin", allowOrigins.contains(origin) ? origin : "*");
            if (allowCredentials) {
                headers.put("Access-Control-Allow-Credentials", "true");
            }
        }
        return headers;
    }

    private static void put(Map<String, String> headers, String name, List<String> values) {
        if (!values.isEmpty()) {
            headers.put(name, String.join(",", values));
        }
    }
}
