package dev.registrytokens.authorizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.registrytokens.json.Json;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testkit.ProjectFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The authorizer's streaming codec reads what it decides on, and answers, as Lambda's serialization library does. */
class AuthorizerEventsTest {
    @Test
    void readsTheHeadersSourceAndRequestIdOfTheEventFileAsTheRuntimeDoes() throws IOException {
        APIGatewayV2CustomAuthorizerEvent byRuntime = ApiCall.load("registry-authorizer.json", APIGatewayV2CustomAuthorizerEvent.class);
        try (InputStream in = Files.newInputStream(ProjectFiles.event("registry-authorizer.json"))) {
            AuthorizerEvents.LoginRequest byCodec = AuthorizerEvents.read(in);
            assertEquals(AuthorizerEvents.LoginRequest.of(byRuntime), byCodec);
            assertEquals("203.0.113.7", byCodec.sourceIp());
            assertEquals("Qm9zc2VzIGFyZSBjb29s=", byCodec.requestId());
        }
    }

    @Test
    void writesAllowsAndDenialsAsTheRuntimeDoes() throws IOException {
        Map<String, String> context = new LinkedHashMap<>();
        context.put("tokenId", "01JD0000000000000000000000");
        context.put("repositories", "app/* \"quoted\"");
        for (SimpleIAMPolicyResponse answer : new SimpleIAMPolicyResponse[] {new SimpleIAMPolicyResponse(true, context),
                new SimpleIAMPolicyResponse(false, Map.of())}) {
            ByteArrayOutputStream byRuntime = new ByteArrayOutputStream();
            LambdaEventSerializers.serializerFor(SimpleIAMPolicyResponse.class, getClass().getClassLoader()).toJson(answer, byRuntime);
            ByteArrayOutputStream byCodec = new ByteArrayOutputStream();
            AuthorizerEvents.write(answer, byCodec);
            assertEquals(Json.MAPPER.readTree(byRuntime.toByteArray()), Json.MAPPER.readTree(byCodec.toByteArray()));
        }
    }
}
