package dev.registrytokens.core;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The daily sweep of {@code disableUnusedAfterDays}: in each namespace whose policy sets it, disables every enabled,
 * unexpired token not used for that many days (since its last login, or its creation if it never logged in), as
 * {@link Membership#system} through the token service, so each disable is an ordinary, version-guarded change.
 */
public final class UnusedTokenSweep {
    private final TokenStore store;
    private final TokenService tokens;
    private final Clock clock;

    public UnusedTokenSweep(TokenStore store, TokenService tokens, Clock clock) {
        this.store = store;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** What one sweep did: namespaces swept, tokens disabled. */
    public record Result(int namespaces, int disabled) {
    }

    public Result run() {
        int namespaces = 0;
        int disabled = 0;
        for (NamespacePolicy policy : store.listPolicies()) {
            if (policy.disableUnusedAfterDays() == null) {
                continue;
            }
            namespaces++;
            Membership system = Membership.system(policy.namespace());
            List<TokenRecord> candidates = tokens.allTokens(policy.namespace()).stream()
                    .filter(token -> policy.disablesAsUnused(token, clock.instant())).toList();
            for (TokenRecord token : candidates) {
                // Asked again of the fresh read: a login meanwhile keeps the token.
                var after = tokens.disableFor(system, token.id(), TokenRecord.UNUSED, Map.of(), current -> policy.disablesAsUnused(current, clock.instant()));
                if (TokenRecord.UNUSED.equals(after.disabledReason())) {
                    disabled++;
                }
            }
        }
        return new Result(namespaces, disabled);
    }
}
