package dev.registrytokens.core;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What one usage write adds to a token's {@link TokenUsage}: {@code lastUsedAt} (null when there was no successful
 * login since the last write), the sources to set, counts to add to refusal buckets, the latest refusal (or null), and
 * the entries to remove (stale ones the previous write returned; never one this write sets).
 */
public record UsageUpdate(Instant lastUsedAt, Map<String, TokenUsage.Source> sources, Map<String, Long> refusals,
                          TokenUsage.Refusal lastRefusal, Set<String> staleSources, Set<String> staleRefusals) {
    /** An update of lastUsedAt alone, as a login with no source to record would make. */
    public static UsageUpdate lastUsed(Instant usedAt) {
        return new UsageUpdate(usedAt, Map.of(), Map.of(), null, Set.of(), Set.of());
    }

    public UsageUpdate {
        sources = Map.copyOf(sources);
        refusals = Map.copyOf(refusals);
        staleSources = without(staleSources, sources.keySet());
        staleRefusals = without(staleRefusals, refusals.keySet());
    }

    /** One write may not both set and remove a path. */
    private static Set<String> without(Set<String> stale, Set<String> written) {
        return stale.stream().filter(key -> !written.contains(key)).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
}
