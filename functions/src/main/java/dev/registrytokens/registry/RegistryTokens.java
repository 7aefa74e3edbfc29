package dev.registrytokens.registry;

import dev.registrytokens.core.DomainException;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.RepositoryRule;
import java.util.Arrays;
import java.util.List;

/**
 * The grant half of the token endpoint, the same for both of its routes (GET behind the registry authorizer, and the
 * OAuth2 password grant's POST): the service must be ours; the requested scopes, whether repeated parameters or
 * separated by spaces within one (as distribution writes a challenge's scopes, and OAuth2 clients send them), are
 * granted what the permission (and the token's repository rules, if any) allow inside the namespace; the JWT is issued.
 */
public final class RegistryTokens {
    private final RegistryTokenIssuer issuer;
    private final String service;

    public RegistryTokens(RegistryTokenIssuer issuer, String service) {
        this.issuer = issuer;
        this.service = service;
    }

    /** A JWT and what it grants. */
    public record Grant(RegistryTokenIssuer.TokenResponse token, List<RegistryScope.Access> access) {
    }

    public Grant grant(String username, String namespace, Permission permission, List<RepositoryRule> repositories,
            List<String> services, List<String> scopeParameters) {
        if (services.size() != 1 || !services.getFirst().equals(service)) {
            throw new DomainException.InvalidInput("invalid_service", "service must be " + service + ".", "service");
        }
        List<String> scopes = scopeParameters.stream().flatMap(value -> Arrays.stream(value.split(" "))).filter(scope -> !scope.isEmpty()).toList();
        if (scopes.size() > RegistryScope.MAX_SCOPES) {
            throw new DomainException.InvalidInput("too_many_scopes", "At most " + RegistryScope.MAX_SCOPES + " scopes per request.", "scope");
        }
        List<RegistryScope.Access> access = RegistryScope.grant(scopes, namespace, permission, repositories);
        return new Grant(issuer.issue(username, service, access), access);
    }

    /** SnapStart priming of the signing path; makes no key. */
    public void prime() {
        issuer.prime();
    }
}
