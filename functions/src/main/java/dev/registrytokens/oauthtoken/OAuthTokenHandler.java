package dev.registrytokens.oauthtoken;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.http.ApiException;
import dev.registrytokens.http.ApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;
import dev.registrytokens.registry.BasicCredentials;
import dev.registrytokens.registry.ClientAddress;
import dev.registrytokens.registry.RegistryLogins;
import dev.registrytokens.registry.RegistryScope;
import dev.registrytokens.registry.RegistryTokens;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code POST /v2/token}: the OAuth2 password grant of distribution's token specification ({@code docs/spec/auth/oauth.md}),
 * which containerd, BuildKit and their tools try before GET. The credentials are in the form body, where no HTTP API
 * authorizer can see them, so this function decides the login itself through the registry authorizer's own
 * {@link RegistryLogins#decide} (the same throttling, remembered verdicts, AWS calls and log line) and grants through
 * the same {@link RegistryTokens} as GET. Errors are RFC 6749's: 400 {@code invalid_grant} for bad credentials (a 401
 * would make containerd retry by GET and double every failure), {@code unsupported_grant_type} (this service issues
 * no refresh tokens), {@code invalid_request}, {@code invalid_scope}.
 */
public class OAuthTokenHandler extends ApiHandler {
    private final RegistryLogins logins;
    private final RegistryTokens tokens;
    private final ClientAddress clientAddress;

    public OAuthTokenHandler() {
        this(AwsClients.registryLogins(), AwsClients.registryTokens(), AwsClients.clientAddress());
    }

    OAuthTokenHandler(RegistryLogins logins, RegistryTokens tokens) {
        this(logins, tokens, new ClientAddress(null));
    }

    OAuthTokenHandler(RegistryLogins logins, RegistryTokens tokens, ClientAddress clientAddress) {
        this.logins = logins;
        this.tokens = tokens;
        this.clientAddress = clientAddress;
    }

    /** RFC 6749's access token response, with distribution's {@code issued_at}. */
    record TokenResponse(
            @JsonProperty("access_token") String accessToken,
            @JsonProperty("expires_in") long expiresIn,
            @JsonProperty("issued_at") String issuedAt,
            String scope) {
    }

    /** SnapStart priming: the form path's error (the priming request is no form), the login reads, the signing classes. */
    @Override
    protected void prime() {
        super.prime();
        logins.prime();
        tokens.prime();
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        Map<String, List<String>> form = request.formBody();
        String grantType = single(form, "grant_type");
        if (!"password".equals(grantType)) {
            throw ApiException.badRequest("unsupported_grant_type", "Only grant_type=password is supported: this service issues no refresh tokens.",
                    "grant_type");
        }
        String username = single(form, "username");
        String password = single(form, "password");
        if (username == null || password == null) {
            throw ApiException.badRequest("invalid_request", "username and password are required, once each.", username == null ? "username" : "password");
        }
        RegistryLogins.Login login = logins.decide(Optional.of(new BasicCredentials(username, password)),
                        clientAddress.of(request.sourceIp(), request::header), request.header("user-agent"), request.requestId())
                .orElseThrow(() -> ApiException.badRequest("invalid_grant", "The username or secret is wrong, or the token cannot log in.", null));
        RegistryTokens.Grant grant = tokens.grant(login.username(), login.namespace(), login.permission(), login.repositories(),
                form.getOrDefault("service", List.of()), form.getOrDefault("scope", List.of()));
        return ApiResponses.json(200, new TokenResponse(grant.token().accessToken(), grant.token().expiresIn(), grant.token().issuedAt(),
                grant.access().stream().map(OAuthTokenHandler::scopeOf).collect(Collectors.joining(" "))));
    }

    @Override
    protected APIGatewayV2HTTPResponse errorResponse(ApiException error) {
        return error.status() == 400 ? ApiResponses.oauthError(error) : super.errorResponse(error);
    }

    private static String single(Map<String, List<String>> form, String name) {
        List<String> values = form.getOrDefault(name, List.of());
        return values.size() == 1 ? values.getFirst() : null;
    }

    private static String scopeOf(RegistryScope.Access access) {
        return access.type() + ":" + access.name() + ":" + String.join(",", access.actions());
    }
}
