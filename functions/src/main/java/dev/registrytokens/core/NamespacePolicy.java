package dev.registrytokens.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A namespace's rules for its tokens, set by its owners: {@code pk = POLICY}, {@code sk = NAMESPACE#<namespace>}, so
 * that the daily sweep finds every policy with one query. Each rule null means "no rule":
 * <ul>
 *   <li>{@code maxLifetimeDays}: a token's expiry may be set at most this many days ahead;</li>
 *   <li>{@code allowNeverExpires}: whether a token may never expire (null: only while no maximum lifetime is set); the
 *   maximum lifetime bounds the tokens that do expire;</li>
 *   <li>{@code allowedPermissions}: the permissions a token and its repository rules may grant;</li>
 *   <li>{@code disableUnusedAfterDays}: the sweep disables a token unused (since its last login, or its creation) this long;</li>
 *   <li>{@code defaultAllowedSources}: the CIDRs a token created without its own allowed sources gets.</li>
 * </ul>
 * Create and edit are checked against it; tokens made before it are only reported ({@link #violations}), never changed.
 */
public record NamespacePolicy(
        String pk,
        String sk,
        String namespace,
        Integer maxLifetimeDays,
        Boolean allowNeverExpires,
        List<Permission> allowedPermissions,
        Integer disableUnusedAfterDays,
        List<String> defaultAllowedSources,
        Instant updatedAt,
        String updatedBy,
        Long version) {

    public static final String PARTITION = "POLICY";
    public static final int MAX_DAYS = 3650;
    public static final int MAX_SOURCES = 20;

    public static String sortKey(String namespace) {
        return "NAMESPACE#" + namespace;
    }

    /** A namespace that has no policy yet: no rule at all, version 0 (no item). */
    public static NamespacePolicy none(String namespace) {
        return new NamespacePolicy(PARTITION, sortKey(namespace), namespace, null, null, null, null, null, null, null, 0L);
    }

    /** The policy as a caller wrote it. */
    public static NamespacePolicy of(String namespace, Integer maxLifetimeDays, Boolean allowNeverExpires,
                                     List<Permission> allowedPermissions, Integer disableUnusedAfterDays,
                                     List<String> defaultAllowedSources) {
        return new NamespacePolicy(PARTITION, sortKey(namespace), namespace, maxLifetimeDays, allowNeverExpires,
                allowedPermissions == null ? null : List.copyOf(allowedPermissions), disableUnusedAfterDays,
                defaultAllowedSources == null ? null : List.copyOf(defaultAllowedSources), null, null, null);
    }

    public boolean exists() {
        return version != null && version > 0;
    }

    public NamespacePolicy written(Instant at, String by, long newVersion) {
        return new NamespacePolicy(pk, sk, namespace, maxLifetimeDays, allowNeverExpires, allowedPermissions, disableUnusedAfterDays,
                defaultAllowedSources, at, by, newVersion);
    }

    /** Never-expiring tokens are allowed unless the policy says no, or caps lifetimes. */
    public boolean neverExpiresAllowed() {
        return allowNeverExpires == null ? maxLifetimeDays == null : allowNeverExpires;
    }

    /** The allowed sources a new token gets: its own, or (when it gives none) the policy's default. */
    public List<String> allowedSourcesFor(List<String> requested) {
        return requested != null ? requested : defaultAllowedSources;
    }

    /** Refuses an expiry set {@code expiresInDays} from now (null: never) that this policy does not allow. */
    public void checkExpiry(Integer expiresInDays) {
        if (expiresInDays == null && !neverExpiresAllowed()) {
            throw violation("expiresInDays", "The namespace's policy requires tokens to expire"
                    + (maxLifetimeDays == null ? "." : " within " + maxLifetimeDays + " days."));
        }
        if (expiresInDays != null && maxLifetimeDays != null && expiresInDays > maxLifetimeDays) {
            throw violation("expiresInDays", "The namespace's policy allows tokens to expire at most " + maxLifetimeDays + " days ahead.");
        }
    }

    /** Refuses a permission, or a repository rule's permission, that this policy does not allow. */
    public void checkPermissions(Permission permission, List<RepositoryRule> repositories) {
        permissionProblem(permission, repositories).ifPresent(problem -> {
            throw violation(problem.field(), problem.message());
        });
    }

    private record Problem(String field, String message) {
    }

    private Optional<Problem> permissionProblem(Permission permission, List<RepositoryRule> repositories) {
        if (allowedPermissions == null) {
            return Optional.empty();
        }
        String allowed = "The namespace's policy allows only " + allowedPermissions + ".";
        if (permission != null && !allowedPermissions.contains(permission)) {
            return Optional.of(new Problem("permission", allowed));
        }
        for (int i = 0; repositories != null && i < repositories.size(); i++) {
            if (!allowedPermissions.contains(repositories.get(i).permission())) {
                return Optional.of(new Problem("repositories[" + i + "].permission", allowed));
            }
        }
        return Optional.empty();
    }

    /** Whether the sweep disables this token now: enabled, unexpired and unused for {@code disableUnusedAfterDays}. */
    public boolean disablesAsUnused(TokenRecord token, Instant now) {
        if (disableUnusedAfterDays == null || token.status() != TokenStatus.ENABLED || token.isExpired(now)) {
            return false;
        }
        Instant lastActive = token.lastUsedAt() != null ? token.lastUsedAt() : token.createdAt();
        return !lastActive.isAfter(now.minus(Duration.ofDays(disableUnusedAfterDays)));
    }

    /** What each of these tokens breaks of this policy (one entry per rule broken), for the owners to act on. */
    public List<PolicyViolation> violations(List<TokenRecord> tokens, Instant now) {
        List<PolicyViolation> found = new ArrayList<>();
        for (TokenRecord token : tokens) {
            if (token.isExpired(now)) {
                continue;
            }
            if (token.expiresAt() == null && !neverExpiresAllowed()) {
                found.add(PolicyViolation.of(token, "expiresAt", "The token never expires; the policy requires an expiry."));
            }
            if (token.expiresAt() != null && maxLifetimeDays != null
                    && token.expiresAt() > now.plus(Duration.ofDays(maxLifetimeDays)).getEpochSecond()) {
                found.add(PolicyViolation.of(token, "expiresAt", "The token expires more than " + maxLifetimeDays + " days from now."));
            }
            permissionProblem(token.permission(), token.repositories())
                    .ifPresent(problem -> found.add(PolicyViolation.of(token, problem.field(), problem.message())));
            if (disablesAsUnused(token, now)) {
                found.add(PolicyViolation.of(token, "lastUsedAt", "The token has not been used for " + disableUnusedAfterDays
                        + " days; the next daily sweep disables it."));
            }
        }
        return found;
    }

    private static DomainException violation(String field, String message) {
        return new DomainException.InvalidInput("policy_violation", message, field);
    }

    /** Distinct permissions, in the enum's order: how a policy stores them. */
    public static List<Permission> distinct(Set<Permission> permissions) {
        return List.of(Permission.values()).stream().filter(permissions::contains).toList();
    }
}
