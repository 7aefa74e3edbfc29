package dev.registrytokens.enable;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.Membership;
import dev.registrytokens.core.TokenStatus;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.http.TokenApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;

/** {@code POST /tokens/{id}/enable}: idempotent. */
public class EnableTokenHandler extends TokenApiHandler {
    public EnableTokenHandler() {
        super(AwsClients.tokenChangesWithoutSecrets(), AwsClients.namespacesClaim());
    }

    EnableTokenHandler(TokenService tokens) {
        super(tokens);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request, Membership member) {
        return ApiResponses.token(200, tokens.setStatus(member, request.pathParameter("id"), request.ifMatch(), TokenStatus.ENABLED));
    }
}
