package dev.registrytokens.create;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.Account;
import dev.registrytokens.core.TokenRequests;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.http.TokenApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;

/** {@code POST /tokens}: creates a token; the answer carries its secret, shown this once. */
public class CreateTokenHandler extends TokenApiHandler {
    public CreateTokenHandler() {
        super(AwsClients.tokenService());
    }

    CreateTokenHandler(TokenService tokens) {
        super(tokens);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request, Account account) {
        return ApiResponses.token(201, tokens.create(account, TokenRequests.create(request.jsonBody())));
    }
}
