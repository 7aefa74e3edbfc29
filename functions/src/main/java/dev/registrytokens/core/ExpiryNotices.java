package dev.registrytokens.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Sends a notice when its schedule fires: re-reads the token and puts its event only if the token still exists and
 * still expires when the notice says (a schedule left behind by a failed move or delete sends nothing).
 */
public final class ExpiryNotices {
    private final TokenStore store;
    private final ExpiryEvents events;
    private final Clock clock;

    public ExpiryNotices(TokenStore store, ExpiryEvents events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    /** The event put, or empty when the notice no longer applies. */
    public Optional<ExpiryEvent> send(ExpiryNotice notice) {
        Optional<TokenRecord> token = store.findToken(notice.namespace(), notice.tokenId())
                .filter(found -> notice.namespace().equals(found.namespace()))
                .filter(found -> found.expiresAt() != null && found.expiresAt() == notice.expiresAt());
        if (token.isEmpty()) {
            return Optional.empty();
        }
        Instant expiresAt = Instant.ofEpochSecond(notice.expiresAt());
        long daysLeft = Math.max(0, Math.round(Duration.between(clock.instant(), expiresAt).toSeconds() / 86400.0));
        ExpiryEvent event = new ExpiryEvent(notice.kind().detailType(), notice.tokenId(), token.get().name(), notice.namespace(),
                token.get().username(), expiresAt, notice.kind() == ExpiryNotice.Kind.EXPIRED ? 0 : daysLeft);
        events.put(event);
        return Optional.of(event);
    }
}
