package dev.registrytokens.delete;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.Account;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.http.ApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;

/** {@code DELETE /tokens/{id}}: removes the token and frees its username. */
public class DeleteTokenHandler extends ApiHandler {
    private final TokenService tokens;

    public DeleteTokenHandler() {
        this(AwsClients.tokenService());
    }

    DeleteTokenHandler(TokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        Account account = request.account();
        tokens.delete(account, request.pathParameter("id"), request.ifMatch());
        return ApiResponses.noContent();
    }
}
