package dev.registrytokens.core;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The token lifecycle: every business rule of the management API, and nothing of Lambda or HTTP. Tokens belong to a
 * namespace; each action is taken by a {@link Membership}, which decides what its role allows.
 */
public final class TokenService {
    public static final int MAX_PAGE_SIZE = 100;
    /**
     * Attempts at a read-modify-write when the caller gave no If-Match and other changes slipped in: enough for
     * twenty edits of one token at once to all land (the jittered pauses add up to 3.4 s at most).
     */
    private static final int MAX_CHANGE_ATTEMPTS = 12;

    private final TokenStore store;
    /** Null in the functions that never make secrets (create and reset do): their role may not use the key. */
    private final SecretMacs macs;
    private final Clock clock;

    public TokenService(TokenStore store, SecretMacs macs, Clock clock) {
        this.store = store;
        this.macs = macs;
        this.clock = clock;
    }

    public TokenView create(Membership member, CreateTokenRequest request) {
        member.requireCreate();
        Instant now = now();
        String secret = Secrets.generate();
        // KMS first: if it fails, nothing has been written.
        byte[] mac = macs.macOf(secret);
        String id = TokenIds.newId(now, new SecureRandom());
        TokenRecord token = new TokenRecord.Builder()
                .pk(TokenRecord.partitionKey(member.namespace()))
                .sk(TokenRecord.sortKey(id))
                .id(id)
                .namespace(member.namespace())
                .createdBy(member.subject())
                .name(request.name())
                .username(Namespaces.usernameFor(member.namespace(), request.name()))
                .description(request.description())
                .permission(request.permission())
                .repositories(request.repositories())
                .allowedSources(request.allowedSources())
                .status(TokenStatus.ENABLED)
                .expiresAt(expiryFrom(now, request.expiresInDays()))
                .createdAt(now)
                .updatedAt(now)
                .version(1L)
                .build();
        try {
            store.create(token, LoginRecord.of(token, mac), now);
        } catch (TokenStore.ConditionFailed e) {
            throw new DomainException.Conflict("name_taken",
                    "A token named '" + request.name() + "' already exists (its username " + token.username() + " is taken).",
                    "name");
        }
        return TokenView.withSecret(token, now, secret);
    }

    public TokenView get(Membership member, String tokenId) {
        return TokenView.of(load(member, tokenId), now());
    }

    public TokenPage list(Membership member, int limit, String cursor) {
        if (limit < 1 || limit > MAX_PAGE_SIZE) {
            throw new DomainException.InvalidInput("invalid_value", "limit must be a whole number from 1 to " + MAX_PAGE_SIZE + ".", "limit");
        }
        // One extra item tells whether another page exists, so the last page never hands out a dead cursor.
        List<TokenRecord> found = store.listTokens(member.namespace(), limit + 1, cursor == null ? null : checkedCursor(cursor));
        Instant now = now();
        List<TokenRecord> page = found.subList(0, Math.min(limit, found.size()));
        String nextCursor = found.size() > limit ? page.getLast().id() : null;
        return new TokenPage(page.stream().map(token -> TokenView.of(token, now)).toList(), nextCursor);
    }

    public TokenView edit(Membership member, String tokenId, Long ifMatch, EditTokenRequest edit) {
        Instant now = now();
        TokenRecord changed = change(member, tokenId, ifMatch, null, current -> {
            TokenRecord.Builder next = current.toBuilder();
            if (edit.permission() != null) {
                next.permission(edit.permission());
            }
            if (edit.repositoriesGiven()) {
                next.repositories(edit.repositories());
            }
            if (edit.expiryGiven()) {
                next.expiresAt(expiryFrom(now, edit.expiresInDays()));
            }
            if (edit.descriptionGiven()) {
                next.description(edit.description());
            }
            if (edit.allowedSourcesGiven()) {
                next.allowedSources(edit.allowedSources());
            }
            return next.build();
        });
        return TokenView.of(changed, now);
    }

    public static final int MAX_GRACE_SECONDS = 86_400;

    /**
     * A new secret. With {@code graceSeconds} 0 the old one stops working with this write; otherwise it keeps logging in
     * for that long. Either way a grace still running from an earlier reset ends now: at most two secrets are valid.
     */
    public TokenView reset(Membership member, String tokenId, Long ifMatch, int graceSeconds) {
        if (graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
            throw new DomainException.InvalidInput("invalid_value",
                    "graceSeconds must be a whole number of seconds from 0 to " + MAX_GRACE_SECONDS + ".", "graceSeconds");
        }
        // Checked before a secret is made: a caller who may not reset costs no KMS call.
        member.requireChange(load(member, tokenId));
        String secret = Secrets.generate();
        byte[] mac = macs.macOf(secret);
        Instant previousSecretExpiresAt = graceSeconds == 0 ? null : now().plusSeconds(graceSeconds);
        // Resetting always changes the token, even when nothing else does: the MAC is new.
        TokenRecord changed = change(member, tokenId, ifMatch, mac,
                current -> current.toBuilder().previousSecretExpiresAt(previousSecretExpiresAt).build());
        return TokenView.withSecret(changed, now(), secret);
    }

    /**
     * Enables or disables; asking for the state a token is already in changes nothing (idempotent). Disabling ends a
     * reset's grace for good: enabling again does not revive the replaced secret.
     */
    public TokenView setStatus(Membership member, String tokenId, Long ifMatch, TokenStatus status) {
        TokenRecord changed = change(member, tokenId, ifMatch, null, current -> status == TokenStatus.DISABLED
                ? current.toBuilder().status(status).previousSecretExpiresAt(null).build()
                : current.toBuilder().status(status).build());
        return TokenView.of(changed, now());
    }

    /**
     * Deletes a token, expired or not; once TTL has deleted its account record it is gone (404) like any
     * other. A login record left behind by TTL is harmless: expired, it is refused and may be overwritten.
     */
    public void delete(Membership member, String tokenId, Long ifMatch) {
        for (int attempt = 1; attempt <= MAX_CHANGE_ATTEMPTS; attempt++) {
            TokenRecord current = load(member, tokenId);
            member.requireChange(current);
            requireVersion(current, ifMatch);
            try {
                store.delete(current, current.version());
                return;
            } catch (TokenStore.ConditionFailed e) {
                failIfPinned(ifMatch);
                Backoff.pause(attempt);
            }
        }
        throw concurrentModification();
    }

    /**
     * Read-modify-write guarded by the version: applies {@code change}, bumps the version and updates, in both
     * records, only what changed, if nobody else wrote in between. With If-Match a lost race is a 412; without,
     * it reads again and retries after a jittered pause, so that concurrent edits all land, one after another.
     * An expired token is refused whichever of its records TTL has deleted: reviving it could clash with a
     * newer token that has taken its username.
     */
    private TokenRecord change(Membership member, String tokenId, Long ifMatch, byte[] newMac, UnaryOperator<TokenRecord> change) {
        for (int attempt = 1; attempt <= MAX_CHANGE_ATTEMPTS; attempt++) {
            Instant now = now();
            TokenRecord current = load(member, tokenId);
            member.requireChange(current);
            if (current.isExpired(now)) {
                throw tokenExpired();
            }
            requireVersion(current, ifMatch);
            TokenRecord proposed = change.apply(current);
            if (newMac == null && proposed.equals(current)) {
                return current;
            }
            TokenRecord next = proposed.toBuilder().version(current.version() + 1).updatedAt(now).build();
            try {
                // Fails if the login record is gone or another token's: only if this one expired meanwhile, which the next attempt says.
                store.update(current, next, newMac, now);
                return next;
            } catch (TokenStore.ConditionFailed e) {
                failIfPinned(ifMatch);
                Backoff.pause(attempt);
            }
        }
        throw concurrentModification();
    }

    private static TokenRecord requireVersion(TokenRecord current, Long ifMatch) {
        if (ifMatch != null && ifMatch != current.version().longValue()) {
            throw new DomainException.PreconditionFailed();
        }
        return current;
    }

    /** The token, read from the member's namespace; its own namespace is checked too, so no other one's is ever acted on. */
    private TokenRecord load(Membership member, String tokenId) {
        if (!TokenIds.isWellFormed(tokenId)) {
            throw new DomainException.NotFound();
        }
        return store.findToken(member.namespace(), tokenId)
                .filter(token -> member.namespace().equals(token.namespace()))
                .orElseThrow(DomainException.NotFound::new);
    }

    private static void failIfPinned(Long ifMatch) {
        if (ifMatch != null) {
            throw new DomainException.PreconditionFailed();
        }
    }

    private static DomainException concurrentModification() {
        return new DomainException.Conflict("concurrent_modification",
                "The token kept changing while this request ran; read it again and retry.", null);
    }

    private static DomainException tokenExpired() {
        return new DomainException.Conflict("token_expired",
                "The token has expired and can no longer be changed; delete it, or create a new token (its name can be used again).", null);
    }

    private static Long expiryFrom(Instant now, Integer days) {
        return days == null ? null : now.plus(Duration.ofDays(days)).getEpochSecond();
    }

    /** A page's cursor is the id of its last token, after which the next page goes on (as the document states). */
    private static String checkedCursor(String cursor) {
        if (TokenIds.isWellFormed(cursor)) {
            return cursor;
        }
        throw new DomainException.InvalidInput("invalid_value", "cursor must be the nextCursor of a page: a token id.", "cursor");
    }

    /** SnapStart priming for the functions that make secrets: one MAC of a fixed message, which is no secret. */
    public void primeSecretMacs() {
        macs.macOf("SnapStart priming");
    }

    /** Millisecond precision: what DynamoDB stores and what the API shows agree. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
