package dev.registrytokens.putpolicy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.Membership;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;
import dev.registrytokens.http.PolicyRequests;
import dev.registrytokens.http.TokenApiHandler;

/** {@code PUT /namespaces/{namespace}/policy}: owners only; replaces the policy (If-Match: its version) and changes no token. */
public class PutPolicyHandler extends TokenApiHandler {
    public PutPolicyHandler() {
        super(AwsClients.tokenServiceWithoutSecrets(), AwsClients.namespacesClaim());
    }

    PutPolicyHandler(TokenService tokens) {
        super(tokens);
    }

    /** The priming request's body holds no policy field (a 400): it primes reading, parsing and errors, and writes nothing. */
    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request, Membership member) {
        return ApiResponses.policy(tokens.setPolicy(member, request.ifMatch(), PolicyRequests.put(member.namespace(), request.jsonBody())));
    }
}
