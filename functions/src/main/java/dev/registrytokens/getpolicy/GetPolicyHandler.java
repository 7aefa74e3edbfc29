package dev.registrytokens.getpolicy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.Membership;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;
import dev.registrytokens.http.TokenApiHandler;

/** {@code GET /namespaces/{namespace}/policy}: owners only; the policy and the tokens that break it. */
public class GetPolicyHandler extends TokenApiHandler {
    public GetPolicyHandler() {
        super(AwsClients.tokenServiceWithoutSecrets(), AwsClients.namespacesClaim());
    }

    GetPolicyHandler(TokenService tokens) {
        super(tokens);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request, Membership member) {
        return ApiResponses.policy(tokens.policy(member));
    }
}
