package dev.registrytokens.jwks;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.http.ApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;
import dev.registrytokens.json.Json;
import dev.registrytokens.registry.Jwks;
import dev.registrytokens.registry.RegistrySigningKey;

/** {@code GET /.well-known/jwks.json}: the public key that verifies registry JWTs. */
public class JwksHandler extends ApiHandler {
    private final RegistrySigningKey signingKey;

    public JwksHandler() {
        this(AwsClients.registrySigningKey());
    }

    JwksHandler(RegistrySigningKey signingKey) {
        this.signingKey = signingKey;
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        return ApiResponses.document("application/json", Json.write(Jwks.of(signingKey.publicKey())));
    }
}
