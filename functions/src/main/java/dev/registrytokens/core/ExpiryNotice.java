package dev.registrytokens.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One notice of a token's coming or passed expiry, sent at {@link #sendAt()}: {@code Token Expiring} 7 days and 1 day
 * before {@code expiresAt}, {@code Token Expired} at it. Each is one EventBridge Scheduler one-time schedule, named by
 * {@link #scheduleName()} from the token id, the kind and the expiry, so that a moved expiry is a new name (the old
 * one is deleted) and creating or deleting a name twice changes nothing.
 */
public record ExpiryNotice(String namespace, String tokenId, Kind kind, long expiresAt) {
    public enum Kind {
        EXPIRING_7_DAYS("expiring-7d", "Token Expiring", 7),
        EXPIRING_1_DAY("expiring-1d", "Token Expiring", 1),
        EXPIRED("expired", "Token Expired", 0);

        private final String label;
        private final String detailType;
        private final int daysBefore;

        Kind(String label, String detailType, int daysBefore) {
            this.label = label;
            this.detailType = detailType;
            this.daysBefore = daysBefore;
        }

        /** The kind's part of a schedule name, and of the schedule's input. */
        public String label() {
            return label;
        }

        /** The EventBridge detail-type of the event it sends. */
        public String detailType() {
            return detailType;
        }

        public int daysBefore() {
            return daysBefore;
        }

        public static Optional<Kind> ofLabel(String label) {
            return Arrays.stream(values()).filter(kind -> kind.label.equals(label)).findFirst();
        }
    }

    /** Every notice of the token's expiry, sent or not; none for a token that never expires (or none at all). */
    public static List<ExpiryNotice> of(TokenRecord token) {
        if (token == null || token.expiresAt() == null) {
            return List.of();
        }
        return Arrays.stream(Kind.values()).map(kind -> new ExpiryNotice(token.namespace(), token.id(), kind, token.expiresAt())).toList();
    }

    /** The notices a token should still get after {@code now}: none whose time has passed. */
    public static List<ExpiryNotice> pending(TokenRecord token, Instant now) {
        return of(token).stream().filter(notice -> notice.sendAt().isAfter(now)).toList();
    }

    public Instant sendAt() {
        return Instant.ofEpochSecond(expiresAt).minus(Duration.ofDays(kind.daysBefore));
    }

    /** {@code <token id>-<kind>-<expiresAt>}: at most 26 + 12 + 11 characters, within Scheduler's 64 and its [0-9A-Za-z._-]. */
    public String scheduleName() {
        return tokenId + "-" + kind.label + "-" + expiresAt;
    }

    /** The token id a schedule name of {@link #scheduleName()}'s form begins with (ids are 26 characters long). */
    public static Optional<String> tokenIdOf(String scheduleName) {
        String id = scheduleName.length() > 26 ? scheduleName.substring(0, 26) : scheduleName;
        return TokenIds.isWellFormed(id) ? Optional.of(id) : Optional.empty();
    }
}
