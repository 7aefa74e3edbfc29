package dev.registrytokens.edit;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.Membership;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.http.TokenApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.TokenRequests;
import dev.registrytokens.http.ApiResponses;

/** {@code PATCH /tokens/{id}}: changes permission, expiry or description. */
public class EditTokenHandler extends TokenApiHandler {
    public EditTokenHandler() {
        super(AwsClients.tokenServiceFollowingExpiry(), AwsClients.namespacesClaim());
    }

    EditTokenHandler(TokenService tokens) {
        super(tokens);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request, Membership member) {
        return ApiResponses.token(200, tokens.edit(member, request.pathParameter("id"), request.ifMatch(),
                TokenRequests.edit(request.jsonBody())));
    }
}
