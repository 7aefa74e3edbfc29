package dev.registrytokens.get;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.Account;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.http.TokenApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;

/** {@code GET /tokens/{id}}. */
public class GetTokenHandler extends TokenApiHandler {
    public GetTokenHandler() {
        super(AwsClients.tokenServiceWithoutSecrets());
    }

    GetTokenHandler(TokenService tokens) {
        super(tokens);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request, Account account) {
        return ApiResponses.token(200, tokens.get(account, request.pathParameter("id")));
    }
}
