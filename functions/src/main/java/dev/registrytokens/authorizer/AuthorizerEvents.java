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
import java.util.Map;

/**
 * The HTTP API's authorizer request (payload 2.0) and simple response as JSON, with Jackson's streaming parser and
 * generator: Lambda's serialization library would map them with its own copy of Jackson databind. Reads what the
 * authorizer decides on (headers, source address, request id); the rest is skipped.
 */
final class AuthorizerEvents {
    private AuthorizerEvents() {
    }

    /**
     * What a login is decided on. Lambda's events class is not used on this path: its request context holds a joda-time
     * formatter, which would put joda-time into every authorizer's cold start.
     */
    record LoginRequest(Map<String, String> headers, String sourceIp, String requestId) {
        static LoginRequest of(APIGatewayV2CustomAuthorizerEvent event) {
            var context = event.getRequestContext();
            return new LoginRequest(event.getHeaders(), context == null || context.getHttp() == null ? null : context.getHttp().getSourceIp(),
                    context == null ? null : context.getRequestId());
        }
    }

    static LoginRequest read(InputStream json) throws IOException {
        try (JsonParser parser = JsonStreams.FACTORY.createParser(json)) {
            parser.nextToken();
            if (!JsonStreams.startObject(parser)) {
                throw new IOException("the event is null");
            }
            Map<String, String> headers = null;
            String[] sourceAndRequestId = {null, null};
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "headers" -> headers = JsonStreams.stringMap(parser);
                    case "requestContext" -> requestContext(parser, sourceAndRequestId);
                    default -> parser.skipChildren();
                }
            }
            return new LoginRequest(headers, sourceAndRequestId[0], sourceAndRequestId[1]);
        }
    }

    /** Into {@code sourceAndRequestId}: requestContext.http.sourceIp and requestContext.requestId. */
    private static void requestContext(JsonParser parser, String[] sourceAndRequestId) throws IOException {
        if (!JsonStreams.startObject(parser)) {
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if (field.equals("requestId")) {
                sourceAndRequestId[1] = JsonStreams.text(parser);
            } else if (field.equals("http") && JsonStreams.startObject(parser)) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String httpField = parser.currentName();
                    parser.nextToken();
                    if (httpField.equals("sourceIp")) {
                        sourceAndRequestId[0] = JsonStreams.text(parser);
                    } else {
                        parser.skipChildren();
                    }
                }
            } else {
                parser.skipChildren();
            }
        }
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
