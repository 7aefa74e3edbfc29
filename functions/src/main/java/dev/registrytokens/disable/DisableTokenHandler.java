package dev.registrytokens.disable;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.Membership;
import dev.registrytokens.core.TokenStatus;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.http.TokenApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;

/** {@code POST /tokens/{id}/disable}: idempotent; the token fails its next login. */
public class DisableTokenHandler extends TokenApiHandler {
    public DisableTokenHandler() {
        super(AwsClients.tokenChangesWithoutSecrets(), AwsClients.namespacesClaim());
    }

    DisableTokenHandler(TokenService tokens) {
        super(tokens);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request, Membership member) {
        return ApiResponses.token(200, tokens.setStatus(member, request.pathParameter("id"), request.ifMatch(), TokenStatus.DISABLED));
    }
}
