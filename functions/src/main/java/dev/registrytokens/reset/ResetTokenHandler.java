package dev.registrytokens.reset;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.runtime.SnapStart;
import dev.registrytokens.core.DomainException;
import dev.registrytokens.core.Membership;
import dev.registrytokens.core.Role;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.http.TokenApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;
import dev.registrytokens.http.TokenRequests;

/**
 * {@code POST /tokens/{id}/reset}: a new secret, shown this once; the old one stops working at once, or after the
 * optional body's {@code graceSeconds}.
 */
public class ResetTokenHandler extends TokenApiHandler {
    public ResetTokenHandler() {
        super(AwsClients.tokenService(), AwsClients.namespacesClaim());
    }

    ResetTokenHandler(TokenService tokens) {
        super(tokens);
    }

    /** Not the reset path itself: it makes a secret before it reads, and no secret may be in a snapshot. */
    @Override
    protected void prime() {
        try {
            tokens.get(new Membership(SnapStart.PRIMING_ACCOUNT, SnapStart.PRIMING_ACCOUNT, Role.VIEWER), SnapStart.PRIMING_TOKEN_ID);
        } catch (DomainException.NotFound notFound) {
            // the expected answer: that token cannot exist
        }
        tokens.primeSecretMacs();
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request, Membership member) {
        return ApiResponses.token(200, tokens.reset(member, request.pathParameter("id"), request.ifMatch(),
                TokenRequests.resetGraceSeconds(request.optionalJsonBody())));
    }
}
