package dev.registrytokens.registrytoken;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.http.ApiException;
import dev.registrytokens.core.Permission;
import dev.registrytokens.http.ApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;
import dev.registrytokens.registry.RegistryTokens;
import java.util.Map;

/**
 * {@code GET /v2/token?service=...&scope=...}: the registry's token realm (Docker registry token protocol).
 * Behind the registry authorizer, which has already checked the Basic credentials; grants, per requested
 * repository scope, what the token's permission allows inside its namespace.
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
        Map<String, Object> login = request.authorizerContext();
        Object username = login.get("username");
        Object namespace = login.get("namespace");
        Object permission = login.get("permission");
        if (username == null || namespace == null || permission == null) {
            throw ApiException.unauthorized();
        }
        return ApiResponses.json(200, tokens.grant(username.toString(), namespace.toString(), Permission.valueOf(permission.toString()),
                request.queryParameters("service"), request.queryParameters("scope")).token());
    }
}
