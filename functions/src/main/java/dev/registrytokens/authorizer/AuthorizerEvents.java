package dev.registrytokens.authorizer;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.registrytokens.json.JsonStreams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The HTTP API's authorizer request (payload 2.0) and simple response as JSON, with Jackson's streaming parser and
 * generator: Lambda's serialization library would map them with its own copy of Jackson databind, and joda-time for
 * the event's {@code time}. Reads what the authorizer decides on (headers, source address, request id); the rest
 * is skipped.
 */
final class AuthorizerEvents {
    private AuthorizerEvents() {
    }

    static APIGatewayV2CustomAuthorizerEvent read(InputStream json) throws IOException {
        try (JsonParser parser = JsonStreams.FACTORY.createParser(json)) {
            parser.nextToken();
            if (!JsonStreams.startObject(parser)) {
                throw new IOException("the event is null");
            }
            var event = APIGatewayV2CustomAuthorizerEvent.builder();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "version" -> event.withVersion(JsonStreams.text(parser));
                    case "type" -> event.withType(JsonStreams.text(parser));
                    case "routeKey" -> event.withRouteKey(JsonStreams.text(parser));
                    case "headers" -> event.withHeaders(JsonStreams.stringMap(parser));
                    case "requestContext" -> event.withRequestContext(requestContext(parser));
                    default -> parser.skipChildren();
                }
            }
            return event.build();
        }
    }

    private static APIGatewayV2CustomAuthorizerEvent.RequestContext requestContext(JsonParser parser) throws IOException {
        if (!JsonStreams.startObject(parser)) {
            return null;
        }
        var context = APIGatewayV2CustomAuthorizerEvent.RequestContext.builder();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "requestId" -> context.withRequestId(JsonStreams.text(parser));
                case "http" -> context.withHttp(http(parser));
                default -> parser.skipChildren();
            }
        }
        return context.build();
    }

    private static APIGatewayV2CustomAuthorizerEvent.Http http(JsonParser parser) throws IOException {
        if (!JsonStreams.startObject(parser)) {
            return null;
        }
        var http = APIGatewayV2CustomAuthorizerEvent.Http.builder();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "method" -> http.withMethod(JsonStreams.text(parser));
                case "path" -> http.withPath(JsonStreams.text(parser));
                case "sourceIp" -> http.withSourceIp(JsonStreams.text(parser));
                default -> parser.skipChildren();
            }
        }
        return http.build();
    }

    /** {@code {"isAuthorized": ..., "context": {...}}}, as API Gateway reads a simple response. */
    static void write(SimpleIAMPolicyResponse response, OutputStream json) throws IOException {
        try (JsonGenerator generator = JsonStreams.FACTORY.createGenerator(json)) {
            generator.writeStartObject();
            generator.writeBooleanField("isAuthorized", response.getIsAuthorized());
            JsonStreams.writeMap(generator, "context", response.getContext());
            generator.writeEndObject();
        }
    }
}
