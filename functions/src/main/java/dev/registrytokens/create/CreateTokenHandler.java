package dev.registrytokens.create;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.Account;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.http.TokenApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.TokenRequests;
import dev.registrytokens.http.ApiResponses;

/** {@code POST /tokens}: creates a token; the answer carries its secret, shown this once. */
public class CreateTokenHandler extends TokenApiHandler {
    public CreateTokenHandler() {
        super(AwsClients.tokenService());
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
    protected APIGatewayV2HTTPResponse handle(ApiRequest request, Account account) {
        return ApiResponses.token(201, tokens.create(account, TokenRequests.create(request.jsonBody())));
    }
}
