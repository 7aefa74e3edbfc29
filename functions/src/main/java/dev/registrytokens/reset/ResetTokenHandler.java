package dev.registrytokens.reset;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.Account;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.http.TokenApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;

/** {@code POST /tokens/{id}/reset}: a new secret, shown this once; the old one stops working at once. */
public class ResetTokenHandler extends TokenApiHandler {
    public ResetTokenHandler() {
        super(AwsClients.tokenService());
    }

    ResetTokenHandler(TokenService tokens) {
        super(tokens);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request, Account account) {
        return ApiResponses.token(200, tokens.reset(account, request.pathParameter("id"), request.ifMatch()));
    }
}
