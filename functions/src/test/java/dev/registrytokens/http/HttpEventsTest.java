package dev.registrytokens.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.registrytokens.json.Json;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testkit.ProjectFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The streaming codec reads events and writes answers as Lambda's serialization library (the runtime's) does. */
class HttpEventsTest {
    @ParameterizedTest
    @ValueSource(strings = {"certificate.json", "create-token.json", "delete-token.json", "disable-token.json", "edit-token.json",
            "enable-token.json", "get-token.json", "jwks.json", "list-namespaces.json", "list-tokens.json", "open-api.json",
            "registry-oauth-token.json", "registry-token.json", "reset-token.json", "unmatched-request.json"})
    void readsEveryHttpEventFileAsTheRuntimeDoes(String eventFile) throws IOException {
        try (InputStream in = Files.newInputStream(ProjectFiles.event(eventFile))) {
            assertEquals(ApiCall.load(eventFile), HttpEvents.read(in));
        }
    }

    @Test
    void readsCookiesABase64BodyAndALambdaAuthorizersScalarsAsTheRuntimeDoes() throws IOException {
        String event = """
                {"version": "2.0", "routeKey": "POST /oauth/token", "cookies": ["a=1", "b=2"],
                 "headers": {"content-type": "application/x-www-form-urlencoded"},
                 "requestContext": {"requestId": "r", "timeEpoch": 1764410400000,
                                    "authorizer": {"lambda": {"tokenId": "t", "count": 3, "flag": true, "none": null}}},
                 "body": "Z3JhbnRfdHlwZT1wYXNzd29yZA==", "isBase64Encoded": true}
                """;
        APIGatewayV2HTTPEvent byRuntime = LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, getClass().getClassLoader())
                .fromJson(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)));
        assertEquals(byRuntime, HttpEvents.read(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void writesAnAnswerAsTheRuntimeDoes() throws IOException {
        APIGatewayV2HTTPResponse answer = APIGatewayV2HTTPResponse.builder().withStatusCode(201)
                .withHeaders(Map.of("Content-Type", "application/json", "ETag", "\"1\""))
                .withMultiValueHeaders(Map.of("Vary", List.of("Origin", "Accept")))
                .withCookies(List.of("c=1"))
                .withBody("{\"id\":\"\\u00e9\\n\"}")
                .build();
        assertEquals(Json.MAPPER.readTree(runtimeJson(answer)), Json.MAPPER.readTree(codecJson(answer)));
        APIGatewayV2HTTPResponse bare = APIGatewayV2HTTPResponse.builder().withStatusCode(204).withIsBase64Encoded(true).build();
        assertEquals(Json.MAPPER.readTree(runtimeJson(bare)), Json.MAPPER.readTree(codecJson(bare)));
    }

    private static byte[] runtimeJson(APIGatewayV2HTTPResponse answer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LambdaEventSerializers.serializerFor(APIGatewayV2HTTPResponse.class, HttpEventsTest.class.getClassLoader()).toJson(answer, out);
        return out.toByteArray();
    }

    private static byte[] codecJson(APIGatewayV2HTTPResponse answer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HttpEvents.write(answer, out);
        return out.toByteArray();
    }
}
