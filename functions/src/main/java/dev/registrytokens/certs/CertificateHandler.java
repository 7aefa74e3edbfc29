package dev.registrytokens.certs;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.http.ApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;
import dev.registrytokens.registry.RegistrySigningKey;

/** {@code GET /certs.pem}: a certificate for the signing key, for a registry's auth.token.rootcertbundle. */
public class CertificateHandler extends ApiHandler {
    private final RegistrySigningKey signingKey;

    public CertificateHandler() {
        this(AwsClients.registrySigningKey());
    }

    CertificateHandler(RegistrySigningKey signingKey) {
        this.signingKey = signingKey;
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        return ApiResponses.document("application/x-pem-file", signingKey.certificatePem());
    }
}
