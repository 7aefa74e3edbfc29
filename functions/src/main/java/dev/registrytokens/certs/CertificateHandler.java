package dev.registrytokens.certs;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.DomainException;
import dev.registrytokens.http.ApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;
import dev.registrytokens.registry.CertificateStore;

/**
 * {@code GET /certs.pem}: the signing key's certificate, for a registry's auth.token.rootcertbundle. Anyone may
 * call it, so it only reads what the deployment stored and cannot make the key sign anything.
 */
public class CertificateHandler extends ApiHandler {
    private final CertificateStore certificates;

    public CertificateHandler() {
        this(AwsClients.certificateStore());
    }

    CertificateHandler(CertificateStore certificates) {
        this.certificates = certificates;
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        return ApiResponses.document("application/x-pem-file", certificates.find().orElseThrow(CertificateHandler::notIssued));
    }

    /** Before the deployment's certificate issuer has stored the certificate. */
    private static DomainException notIssued() {
        return new DomainException.Unavailable(
                "The registry certificate has not been issued yet (the stack's deployment issues it). Retry later.");
    }
}
