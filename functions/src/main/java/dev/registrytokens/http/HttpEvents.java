package dev.registrytokens.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.registrytokens.json.JsonStreams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * API Gateway HTTP API (payload 2.0) events and answers as JSON, with Jackson's streaming parser and generator: what
 * Lambda's runtime would otherwise map with its serialization library, whose own copy of Jackson databind and event
 * mix-ins cost a cold start a few hundred classes. Reads the fields {@link ApiRequest} uses and those it shows in
 * logs; unknown fields are skipped.
 */
public final class HttpEvents {
    private HttpEvents() {
    }

    public static APIGatewayV2HTTPEvent read(InputStream json) throws IOException {
        try (JsonParser parser = JsonStreams.FACTORY.createParser(json)) {
            parser.nextToken();
            if (!JsonStreams.startObject(parser)) {
                throw new IOException("the event is null");
            }
            var event = APIGatewayV2HTTPEvent.builder();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "version" -> event.withVersion(JsonStreams.text(parser));
                    case "routeKey" -> event.withRouteKey(JsonStreams.text(parser));
                    case "rawPath" -> event.withRawPath(JsonStreams.text(parser));
                    case "rawQueryString" -> event.withRawQueryString(JsonStreams.text(parser));
                    case "cookies" -> event.withCookies(JsonStreams.stringList(parser));
                    case "headers" -> event.withHeaders(JsonStreams.stringMap(parser));
                    case "queryStringParameters" -> event.withQueryStringParameters(JsonStreams.stringMap(parser));
                    case "pathParameters" -> event.withPathParameters(JsonStreams.stringMap(parser));
                    case "stageVariables" -> event.withStageVariables(JsonStreams.stringMap(parser));
                    case "body" -> event.withBody(JsonStreams.text(parser));
                    case "isBase64Encoded" -> event.withIsBase64Encoded(parser.currentToken() == JsonToken.VALUE_TRUE);
                    case "requestContext" -> event.withRequestContext(requestContext(parser));
                    default -> parser.skipChildren();
                }
            }
            return event.build();
        }
    }

    private static APIGatewayV2HTTPEvent.RequestContext requestContext(JsonParser parser) throws IOException {
        if (!JsonStreams.startObject(parser)) {
            return null;
        }
        var context = APIGatewayV2HTTPEvent.RequestContext.builder();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "routeKey" -> context.withRouteKey(JsonStreams.text(parser));
                case "accountId" -> context.withAccountId(JsonStreams.text(parser));
                case "stage" -> context.withStage(JsonStreams.text(parser));
                case "apiId" -> context.withApiId(JsonStreams.text(parser));
                case "domainName" -> context.withDomainName(JsonStreams.text(parser));
                case "domainPrefix" -> context.withDomainPrefix(JsonStreams.text(parser));
                case "time" -> context.withTime(JsonStreams.text(parser));
                case "timeEpoch" -> context.withTimeEpoch(parser.currentToken() == JsonToken.VALUE_NULL ? 0 : parser.getValueAsLong());
                case "requestId" -> context.withRequestId(JsonStreams.text(parser));
                case "http" -> context.withHttp(http(parser));
                case "authorizer" -> context.withAuthorizer(authorizer(parser));
                default -> parser.skipChildren();
            }
        }
        return context.build();
    }

    private static APIGatewayV2HTTPEvent.RequestContext.Http http(JsonParser parser) throws IOException {
        if (!JsonStreams.startObject(parser)) {
            return null;
        }
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "method" -> http.withMethod(JsonStreams.text(parser));
                case "path" -> http.withPath(JsonStreams.text(parser));
                case "protocol" -> http.withProtocol(JsonStreams.text(parser));
                case "sourceIp" -> http.withSourceIp(JsonStreams.text(parser));
                case "userAgent" -> http.withUserAgent(JsonStreams.text(parser));
                default -> parser.skipChildren();
            }
        }
        return http.build();
    }

    /** The JWT authorizer's claims and scopes, or a Lambda authorizer's context (IAM authorization is not used). */
    private static APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer(JsonParser parser) throws IOException {
        if (!JsonStreams.startObject(parser)) {
            return null;
        }
        var authorizer = APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "jwt" -> authorizer.withJwt(jwt(parser));
                case "lambda" -> authorizer.withLambda(JsonStreams.scalarMap(parser));
                default -> parser.skipChildren();
            }
        }
        return authorizer.build();
    }

    private static APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT jwt(JsonParser parser) throws IOException {
        if (!JsonStreams.startObject(parser)) {
            return null;
        }
        var jwt = APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "claims" -> jwt.withClaims(JsonStreams.stringMap(parser));
                case "scopes" -> jwt.withScopes(JsonStreams.stringList(parser));
                default -> parser.skipChildren();
            }
        }
        return jwt.build();
    }

    /** The answer as API Gateway reads it (payload 2.0): status, headers, cookies, body and its encoding. */
    public static void write(APIGatewayV2HTTPResponse response, OutputStream json) throws IOException {
        try (JsonGenerator generator = JsonStreams.FACTORY.createGenerator(json)) {
            generator.writeStartObject();
            generator.writeNumberField("statusCode", response.getStatusCode());
            JsonStreams.writeMap(generator, "headers", response.getHeaders());
            if (response.getMultiValueHeaders() != null) {
                generator.writeObjectFieldStart("multiValueHeaders");
                for (var header : response.getMultiValueHeaders().entrySet()) {
                    generator.writeArrayFieldStart(header.getKey());
                    for (String value : header.getValue()) {
                        generator.writeString(value);
                    }
                    generator.writeEndArray();
                }
                generator.writeEndObject();
            }
            if (response.getCookies() != null) {
                generator.writeArrayFieldStart("cookies");
                for (String cookie : response.getCookies()) {
                    generator.writeString(cookie);
                }
                generator.writeEndArray();
            }
            if (response.getBody() != null) {
                generator.writeStringField("body", response.getBody());
            }
            generator.writeBooleanField("isBase64Encoded", response.getIsBase64Encoded());
            generator.writeEndObject();
        }
    }
}
