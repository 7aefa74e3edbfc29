package dev.registrytokens.core;

import java.time.Instant;

/**
 * A {@code Token Expiring} or {@code Token Expired} event: which token, when it expires and how many whole days are
 * left then (rounded; 0 for expired). Never a secret or MAC: only what every member of the namespace may see.
 */
public record ExpiryEvent(String detailType, String tokenId, String name, String namespace, String username, Instant expiresAt,
                          long daysLeft) {
}
