package dev.registrytokens.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A token's usage as registry logins record it on the token's item: the sources of successful logins (by IP, each
 * with its latest client and time), refused logins counted per hour and reason ({@code refusals}, keyed
 * {@code <epoch hour>#<reason>}), and the latest refusal. Entries beyond what the API shows stay until the next write
 * removes them, so readers trim: {@link #recentSources()} and {@link #refusedWithin24h}.
 */
public record TokenUsage(Map<String, Source> sources, Map<String, Long> refusals, Refusal lastRefusal) {
    /** How many distinct sources of successful logins the API shows. */
    public static final int RECENT_SOURCES = 5;
    /** Refusals are counted in hourly buckets; the last 24 of them (this one included) make the day shown. */
    private static final Duration REFUSAL_BUCKET = Duration.ofHours(1);
    private static final int REFUSAL_BUCKETS_SHOWN = 24;
    public static final TokenUsage NONE = new TokenUsage(Map.of(), Map.of(), null);

    /** A source of successful logins: {@code client} is the user agent's product, or null if it sent none. */
    public record Source(String ip, String client, Instant lastUsedAt) {
    }

    /** A refused login of an existing token: {@code reason} is the decision log's. */
    public record Refusal(String ip, String client, String reason, Instant at) {
    }

    public TokenUsage {
        sources = Map.copyOf(sources);
        refusals = Map.copyOf(refusals);
    }

    /** The last {@link #RECENT_SOURCES} distinct sources, newest first. */
    public List<Source> recentSources() {
        return sources.values().stream().sorted(Comparator.comparing(Source::lastUsedAt).reversed()).limit(RECENT_SOURCES).toList();
    }

    /** Sources that are not among the recent ones: the next write removes them. */
    public Set<String> staleSources() {
        Set<String> recent = recentSources().stream().map(Source::ip).collect(Collectors.toSet());
        return sources.keySet().stream().filter(ip -> !recent.contains(ip)).collect(Collectors.toSet());
    }

    /** Refused logins per reason in the hour of {@code now} and the 23 before it, by reason (sorted). */
    public Map<String, Long> refusedWithin24h(Instant now) {
        long oldestShown = bucketOf(now) - REFUSAL_BUCKETS_SHOWN + 1;
        Map<String, Long> byReason = new TreeMap<>();
        refusals.forEach((bucket, count) -> {
            int hash = bucket.indexOf('#');
            if (Long.parseLong(bucket.substring(0, hash)) >= oldestShown) {
                byReason.merge(bucket.substring(hash + 1), count, Long::sum);
            }
        });
        return byReason;
    }

    /** Refusal buckets too old to be shown at {@code now}: the next write removes them. */
    public Set<String> staleRefusals(Instant now) {
        long oldestShown = bucketOf(now) - REFUSAL_BUCKETS_SHOWN + 1;
        return refusals.keySet().stream()
                .filter(bucket -> Long.parseLong(bucket.substring(0, bucket.indexOf('#'))) < oldestShown)
                .collect(Collectors.toSet());
    }

    /** The refusal bucket for a refusal at {@code at} with {@code reason}. */
    public static String refusalBucket(Instant at, String reason) {
        return bucketOf(at) + "#" + reason;
    }

    private static long bucketOf(Instant at) {
        return at.getEpochSecond() / REFUSAL_BUCKET.toSeconds();
    }
}
