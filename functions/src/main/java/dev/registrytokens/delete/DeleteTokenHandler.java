package dev.registrytokens.delete;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.Membership;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.http.TokenApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;

/** {@code DELETE /tokens/{id}}: removes the token and frees its username. */
public class DeleteTokenHandler extends TokenApiHandler {
    public DeleteTokenHandler() {
        super(AwsClients.tokenServiceFollowingExpiry(), AwsClients.namespacesClaim());
    }

    DeleteTokenHandler(TokenService tokens) {
        super(tokens);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request, Membership member) {
        tokens.delete(member, request.pathParameter("id"), request.ifMatch());
        return ApiResponses.noContent();
    }
}
