package dev.registrytokens.core;

import java.util.List;

/**
 * A namespace's policy as the API returns it, with the tokens that break it. {@code version} 0 and {@code updatedAt}
 * null: the namespace has no policy yet.
 */
public record PolicyView(
        String namespace,
        Integer maxLifetimeDays,
        boolean allowNeverExpires,
        List<Permission> allowedPermissions,
        Integer disableUnusedAfterDays,
        List<String> defaultAllowedSources,
        String updatedAt,
        String updatedBy,
        long version,
        List<PolicyViolation> violations) {

    static PolicyView of(NamespacePolicy policy, List<PolicyViolation> violations) {
        return new PolicyView(policy.namespace(), policy.maxLifetimeDays(), policy.neverExpiresAllowed(), policy.allowedPermissions(),
                policy.disableUnusedAfterDays(), policy.defaultAllowedSources(),
                policy.updatedAt() == null ? null : policy.updatedAt().toString(), policy.updatedBy(), policy.version(), violations);
    }
}
