package dev.registrytokens.registry;

import dev.registrytokens.core.DomainException;
import dev.registrytokens.core.LoginRecord;
import dev.registrytokens.core.LoginStore;
import dev.registrytokens.core.TokenUsage;
import dev.registrytokens.core.UsageUpdate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Records each token's usage (successful logins' sources, refused logins) for this execution environment, in at most
 * one write per token per {@link #WRITE_INTERVAL}: the first login of a token in an interval writes at once, with
 * whatever this environment gathered since its last write; later ones are gathered until a login after the interval
 * writes them. What an environment gathered after its last write is lost if it is shut down before another login of
 * that token (at most an interval's worth), or if the write fails, and shows up to an interval late.
 */
final class UsageRecorder {
    static final Duration WRITE_INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_TOKENS = 10_000;

    private final LoginStore store;
    private final Map<String, Gathered> tokens = new ConcurrentHashMap<>();

    UsageRecorder(LoginStore store) {
        this.store = store;
    }

    /** What this environment gathered for one token since its last write, and what that write found stale. */
    private static final class Gathered {
        Instant lastWrite;
        Instant lastUsedAt;
        /** By IP, at most {@link TokenUsage#RECENT_SOURCES}, the least recent first. */
        final LinkedHashMap<String, TokenUsage.Source> sources = new LinkedHashMap<>();
        final Map<String, Long> refusals = new HashMap<>();
        TokenUsage.Refusal lastRefusal;
        Set<String> staleSources = Set.of();
        Set<String> staleRefusals = Set.of();
    }

    void used(LoginRecord login, String ip, String client, Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MILLIS); // logins within a second still order newest first
        record(login, now, gathered -> {
            gathered.lastUsedAt = now;
            gathered.sources.remove(ip);
            gathered.sources.put(ip, new TokenUsage.Source(ip, client, at));
            if (gathered.sources.size() > TokenUsage.RECENT_SOURCES) {
                gathered.sources.remove(gathered.sources.keySet().iterator().next());
            }
        });
    }

    void refused(LoginRecord login, String ip, String client, String reason, Instant now) {
        record(login, now, gathered -> {
            gathered.refusals.merge(TokenUsage.refusalBucket(now, reason), 1L, Long::sum);
            gathered.lastRefusal = new TokenUsage.Refusal(ip, client, reason, now.truncatedTo(ChronoUnit.SECONDS));
        });
    }

    private void record(LoginRecord login, Instant now, Consumer<Gathered> gather) {
        if (tokens.size() >= MAX_TOKENS && !tokens.containsKey(login.tokenId())) {
            tokens.clear();
        }
        Gathered gathered = tokens.computeIfAbsent(login.tokenId(), id -> new Gathered());
        synchronized (gathered) {
            gather.accept(gathered);
            if (gathered.lastWrite != null && gathered.lastWrite.isAfter(now.minus(WRITE_INTERVAL))) {
                return;
            }
            gathered.lastWrite = now;
            UsageUpdate update = new UsageUpdate(gathered.lastUsedAt, gathered.sources, gathered.refusals, gathered.lastRefusal,
                    gathered.staleSources, gathered.staleRefusals);
            try {
                store.recordUsage(login, update).ifPresent(stored -> {
                    gathered.staleSources = stored.staleSources();
                    gathered.staleRefusals = stored.staleRefusals(now);
                });
            } catch (DomainException.Unavailable unavailable) {
                // Usage is informational: a login is not decided by it. A write that failed may still have landed
                // (a timeout), so what it carried is dropped rather than risk counting it twice.
            }
            gathered.lastUsedAt = null;
            gathered.sources.clear();
            gathered.refusals.clear();
            gathered.lastRefusal = null;
        }
    }

    /** Nothing gathered goes into a SnapStart snapshot. */
    void forgetAll() {
        tokens.clear();
    }
}
