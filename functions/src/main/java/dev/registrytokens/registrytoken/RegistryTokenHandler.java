package dev.registrytokens.registrytoken;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.http.ApiException;
import dev.registrytokens.http.ApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;
import dev.registrytokens.registry.LoginContext;
import dev.registrytokens.registry.RegistryLogins;
import dev.registrytokens.registry.RegistryTokens;

/**
 * {@code GET /v2/token?service=...&scope=...}: the registry's token realm (Docker registry token protocol).
 * Behind the registry authorizer, which has already checked the Basic credentials; grants, per requested
 * repository scope, what the token's permission and repository rules allow inside its namespace.
 */
public class RegistryTokenHandler extends ApiHandler {
    private final RegistryTokens tokens;

    public RegistryTokenHandler() {
        this(AwsClients.registryTokens());
    }

    RegistryTokenHandler(RegistryTokens tokens) {
        this.tokens = tokens;
    }

    /** The priming request carries no login; the signing path is primed without making a key (none in a snapshot). */
    @Override
    protected void prime() {
        super.prime();
        tokens.prime();
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        RegistryLogins.Login login = LoginContext.from(request.authorizerContext()).orElseThrow(ApiException::unauthorized);
        return ApiResponses.json(200, tokens.grant(login.username(), login.namespace(), login.permission(), login.repositories(),
                request.queryParameters("service"), request.queryParameters("scope")).token());
    }
}
