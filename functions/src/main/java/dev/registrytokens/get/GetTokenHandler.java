package dev.registrytokens.get;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.Account;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.http.ApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;

/** {@code GET /tokens/{id}}. */
public class GetTokenHandler extends ApiHandler {
    private final TokenService tokens;

    public GetTokenHandler() {
        this(AwsClients.tokenService());
    }

    GetTokenHandler(TokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        Account account = request.account();
        return ApiResponses.token(200, tokens.get(account, request.pathParameter("id")));
    }
}
