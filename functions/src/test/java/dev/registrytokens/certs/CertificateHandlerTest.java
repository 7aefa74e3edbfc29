package dev.registrytokens.certs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.registrytokens.registry.RegistrySigningKey;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.AwsCallCounter;
import dev.registrytokens.testing.AwsEmulator;
import dev.registrytokens.testing.RegistryFixtures;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AwsEmulator.class)
class CertificateHandlerTest {
    private final AwsCallCounter calls = new AwsCallCounter();
    private final RegistrySigningKey signingKey = RegistryFixtures.signingKey(calls);
    private final CertificateHandler handler = new CertificateHandler(signingKey);

    @Test
    void servesASelfSignedCertificateCarryingTheKmsPublicKey() throws Exception {
        var response = handler.handleRequest(ApiCall.load("certificate.json", APIGatewayV2HTTPEvent.class), null);
        assertEquals(200, response.getStatusCode());
        assertEquals("application/x-pem-file", response.getHeaders().get("Content-Type"));
        assertTrue(response.getBody().startsWith("-----BEGIN CERTIFICATE-----\n"));
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(response.getBody().getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(signingKey.publicKeyDer(), certificate.getPublicKey().getEncoded());
        certificate.verify(certificate.getPublicKey()); // signed by the KMS key itself
        certificate.checkValidity();
        assertEquals("SHA256withECDSA", certificate.getSigAlgName());
    }

    @Test
    void makesTheCertificateOncePerExecutionEnvironment() {
        handler.handleRequest(ApiCall.load("certificate.json", APIGatewayV2HTTPEvent.class), null);
        calls.reset();
        handler.handleRequest(ApiCall.load("certificate.json", APIGatewayV2HTTPEvent.class), null);
        assertEquals(0, calls.total(), calls::toString);
    }
}
