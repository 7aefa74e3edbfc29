package dev.registrytokens.certs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.aws.AwsClients.Timeouts;
import dev.registrytokens.registry.CertificateStore;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.RegistryFixtures;
import dev.registrytokens.testing.TestStack;
import dev.registrytokens.testkit.AwsCallCounter;
import dev.registrytokens.testkit.AwsEmulator;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import dev.registrytokens.testing.DependencyFault;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

@Tag("machine")
class CertificateHandlerTest {
    private final AwsCallCounter calls = new AwsCallCounter();

    @Test
    void servesTheCertificateTheDeploymentStoredWithOneTableRead() throws Exception {
        // The emulator's stack was provisioned as a deployment would be: the certificate issuer ran once.
        CertificateHandler handler = new CertificateHandler(new CertificateStore(AwsEmulator.stack().dynamoDb(calls),
                AwsEmulator.stack().tableName()));
        var response = handler.handleRequest(ApiCall.load("certificate.json"), null);
        assertEquals(200, response.getStatusCode());
        assertEquals("application/x-pem-file", response.getHeaders().get("Content-Type"));
        assertTrue(response.getBody().startsWith("-----BEGIN CERTIFICATE-----\n"));
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(response.getBody().getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(RegistryFixtures.signingKey(new AwsCallCounter()).publicKeyDer(), certificate.getPublicKey().getEncoded());
        certificate.verify(certificate.getPublicKey()); // signed by the KMS key itself
        certificate.checkValidity();
        assertEquals(1, calls.count("GetItem"), calls::toString);
        assertEquals(1, calls.total(), calls::toString);
    }

    @Test
    void answers503WhenNoCertificateWasIssued() {
        CertificateHandler handler = new CertificateHandler(new CertificateStore(TestStack.dynamoDb(), TestStack.emptyTable()));
        ApiCall.from("certificate.json").to(handler).assertError(503, "service_unavailable", null);
    }

    @ParameterizedTest
    @EnumSource(DependencyFault.class)
    void answers503WithRetryAfterWhenDynamoDbFails(DependencyFault fault) {
        ApiCall.from("certificate.json").to(new CertificateHandler(new CertificateStore(fault.dynamoDb(Timeouts.HOT_PATH), AwsEmulator.stack().tableName())))
                .assertUnavailable();
    }
}
