package dev.registrytokens.certificateissuer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.registrytokens.aws.AwsClients.Timeouts;
import dev.registrytokens.json.Json;
import dev.registrytokens.registry.CertificateStore;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.DependencyFault;
import dev.registrytokens.testing.RegistryFixtures;
import dev.registrytokens.testing.TestStack;
import dev.registrytokens.testkit.AwsCallCounter;
import dev.registrytokens.testkit.AwsEmulator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The custom resource answers CloudFormation at the pre-signed ResponseURL, played here by a local HTTP server. */
@Tag("machine")
class CertificateIssuerHandlerTest {
    private record Answer(String method, String contentType, JsonNode body) {
    }

    private final List<Answer> answers = new CopyOnWriteArrayList<>();
    private final AwsCallCounter kmsCalls = new AwsCallCounter();
    private final String table = TestStack.emptyTable();
    private HttpServer responseUrl;

    @BeforeEach
    void startResponseUrl() throws IOException {
        responseUrl = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        responseUrl.createContext("/", exchange -> {
            answers.add(new Answer(exchange.getRequestMethod(), exchange.getRequestHeaders().getFirst("Content-Type"),
                    Json.MAPPER.readTree(exchange.getRequestBody())));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        responseUrl.start();
    }

    @AfterEach
    void stopResponseUrl() {
        responseUrl.stop(0);
    }

    private CloudFormationCustomResourceEvent event(String requestType) {
        CloudFormationCustomResourceEvent event = ApiCall.load("certificate-issuer.json", CloudFormationCustomResourceEvent.class);
        event.setRequestType(requestType);
        if (!requestType.equals("Create")) {
            event.setPhysicalResourceId(CertificateIssuerHandler.PHYSICAL_RESOURCE_ID);
        }
        event.setResponseUrl("http://127.0.0.1:" + responseUrl.getAddress().getPort() + "/cloudformation-response?X-Amz-Signature=abc");
        Map<String, Object> properties = new HashMap<>(event.getResourceProperties());
        properties.put("SigningKeyId", AwsEmulator.stack().signingKeyId());
        properties.put("TableName", table);
        event.setResourceProperties(properties);
        return event;
    }

    private CertificateIssuerHandler handler() {
        return new CertificateIssuerHandler(AwsEmulator.stack().kms(kmsCalls), TestStack.dynamoDb());
    }

    private Answer onlyAnswer() {
        assertEquals(1, answers.size(), answers::toString);
        Answer answer = answers.getFirst();
        assertEquals("PUT", answer.method());
        assertNull(answer.contentType(), "the pre-signed URL is signed without a Content-Type");
        return answer;
    }

    private static void assertEchoes(CloudFormationCustomResourceEvent event, JsonNode body) {
        assertEquals(event.getStackId(), body.path("StackId").asText());
        assertEquals(event.getRequestId(), body.path("RequestId").asText());
        assertEquals(event.getLogicalResourceId(), body.path("LogicalResourceId").asText());
        assertEquals(CertificateIssuerHandler.PHYSICAL_RESOURCE_ID, body.path("PhysicalResourceId").asText());
    }

    @Test
    void createStoresACertificateSignedByTheKeyAndAnswersSuccess() throws Exception {
        CloudFormationCustomResourceEvent event = event("Create");
        handler().handleRequest(event, null);

        JsonNode body = onlyAnswer().body();
        assertEquals("SUCCESS", body.path("Status").asText(), body::toString);
        assertEchoes(event, body);
        String pem = new CertificateStore(TestStack.dynamoDb(), table).find().orElseThrow();
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(RegistryFixtures.signingKey(new AwsCallCounter()).publicKeyDer(), certificate.getPublicKey().getEncoded());
        certificate.verify(certificate.getPublicKey());
        certificate.checkValidity();
        assertEquals("SHA256withECDSA", certificate.getSigAlgName());
    }

    @Test
    void deleteAnswersSuccessWithoutSigningOrWriting() {
        CloudFormationCustomResourceEvent event = event("Delete");
        handler().handleRequest(event, null);

        JsonNode body = onlyAnswer().body();
        assertEquals("SUCCESS", body.path("Status").asText(), body::toString);
        assertEchoes(event, body);
        assertEquals(0, kmsCalls.total(), kmsCalls::toString);
        assertTrue(new CertificateStore(TestStack.dynamoDb(), table).find().isEmpty());
    }

    @ParameterizedTest
    @EnumSource(DependencyFault.class)
    void failingKmsAnswersFailedWithTheReason(DependencyFault fault) {
        CloudFormationCustomResourceEvent event = event("Create");
        new CertificateIssuerHandler(fault.kms(Timeouts.DEPLOYMENT), TestStack.dynamoDb()).handleRequest(event, null);

        JsonNode body = onlyAnswer().body();
        assertEquals("FAILED", body.path("Status").asText(), body::toString);
        String cause = switch (fault) {
            case UNREACHABLE -> "connect";
            case HUNG -> "timeout";
            case THROTTLING -> "throttle";
        };
        assertTrue(body.path("Reason").asText().startsWith("The key service: " + cause + " ("), "the real cause: " + body);
        assertEchoes(event, body);
        assertFalse(new CertificateStore(TestStack.dynamoDb(), table).find().isPresent());
    }

    @Test
    void missingPropertyAnswersFailedNamingIt() {
        CloudFormationCustomResourceEvent event = event("Update");
        Map<String, Object> properties = new HashMap<>(event.getResourceProperties());
        properties.remove("TableName");
        event.setResourceProperties(properties);
        handler().handleRequest(event, null);

        JsonNode body = onlyAnswer().body();
        assertEquals("FAILED", body.path("Status").asText(), body::toString);
        assertTrue(body.path("Reason").asText().contains("TableName"), body::toString);
        assertEchoes(event, body);
    }
}
