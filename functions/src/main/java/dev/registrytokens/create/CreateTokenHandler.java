package dev.registrytokens.create;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.Membership;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.http.TokenApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.TokenRequests;
import dev.registrytokens.http.ApiResponses;

/** {@code POST /tokens}: creates a token; the answer carries its secret, shown this once. */
public class CreateTokenHandler extends TokenApiHandler {
    public CreateTokenHandler() {
        super(AwsClients.tokenService(), AwsClients.namespacesClaim());
    }

    CreateTokenHandler(TokenService tokens) {
        super(tokens);
    }

    /** The priming request is no valid create (it would write): it primes parsing and errors; KMS is primed apart. */
    @Override
    protected void prime() {
        super.prime();
        tokens.primeSecretMacs();
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request, Membership member) {
        return ApiResponses.token(201, tokens.create(member, TokenRequests.create(request.jsonBody())));
    }
}
