package dev.registrytokens.registrytoken;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.ApiException;
import dev.registrytokens.core.Permission;
import dev.registrytokens.http.ApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;
import dev.registrytokens.registry.RegistryScope;
import dev.registrytokens.registry.RegistryTokenIssuer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v2/token?service=...&scope=...}: the registry's token realm (Docker registry token protocol).
 * Behind the registry authorizer, which has already checked the Basic credentials; grants, per requested
 * repository scope, what the token's permission allows inside its namespace.
 */
public class RegistryTokenHandler extends ApiHandler {
    private final RegistryTokenIssuer issuer;
    private final String service;

    public RegistryTokenHandler() {
        this(new RegistryTokenIssuer(AwsClients.registrySigningKey(), AwsClients.requiredEnv("REGISTRY_ISSUER"),
                        Duration.ofSeconds(Long.parseLong(AwsClients.requiredEnv("TOKEN_TTL_SECONDS"))),
                        Duration.ofSeconds(Long.parseLong(AwsClients.requiredEnv("SIGNING_CERTIFICATE_SECONDS"))), Clock.systemUTC()),
                AwsClients.requiredEnv("REGISTRY_SERVICE"));
    }

    RegistryTokenHandler(RegistryTokenIssuer issuer, String service) {
        this.issuer = issuer;
        this.service = service;
    }

    /** The priming request carries no login; the signing path is primed without making a key (none in a snapshot). */
    @Override
    protected void prime() {
        super.prime();
        issuer.prime();
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
        List<String> services = request.queryParameters("service");
        if (services.size() != 1 || !services.getFirst().equals(service)) {
            throw ApiException.badRequest("invalid_service", "service must be " + service + ".", "service");
        }
        List<String> scopes = request.queryParameters("scope");
        if (scopes.size() > RegistryScope.MAX_SCOPES) {
            throw ApiException.badRequest("too_many_scopes", "At most " + RegistryScope.MAX_SCOPES + " scopes per request.", "scope");
        }
        List<RegistryScope.Access> access = RegistryScope.grant(scopes, namespace.toString(),
                Permission.valueOf(permission.toString()).registryActions());
        return ApiResponses.json(200, issuer.issue(username.toString(), service, access));
    }
}
