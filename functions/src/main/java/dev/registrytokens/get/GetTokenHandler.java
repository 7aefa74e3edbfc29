package dev.registrytokens.get;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.Membership;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.http.TokenApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;

/** {@code GET /tokens/{id}}. */
public class GetTokenHandler extends TokenApiHandler {
    public GetTokenHandler() {
        super(AwsClients.tokenServiceWithoutSecrets(), AwsClients.namespacesClaim());
    }

    GetTokenHandler(TokenService tokens) {
        super(tokens);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request, Membership member) {
        return ApiResponses.token(200, tokens.get(member, request.pathParameter("id")));
    }
}
