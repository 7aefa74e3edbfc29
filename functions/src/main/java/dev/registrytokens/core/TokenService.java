package dev.registrytokens.core;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The token lifecycle: every business rule of the management API, and nothing of Lambda or HTTP. Tokens belong to a
 * namespace; each action is taken by a {@link Membership}, which decides what its role allows. Every change writes one
 * {@link AuditRecord} in its own transaction.
 */
public final class TokenService {
    public static final int MAX_PAGE_SIZE = 100;
    /**
     * Attempts at a read-modify-write when the caller gave no If-Match and other changes slipped in: enough for
     * twenty edits of one token at once to all land (the jittered pauses add up to 3.4 s at most).
     */
    private static final int MAX_CHANGE_ATTEMPTS = 12;
    /** How long audit records are kept by default (the template's AuditRetentionDays). */
    public static final Duration DEFAULT_AUDIT_RETENTION = Duration.ofDays(400);
    /** The fields a change may set, as the API names them, and their values as the audit log shows them. */
    private static final Map<String, Function<TokenRecord, Object>> AUDITED_FIELDS = auditedFields();

    private final TokenStore store;
    /** Null in the functions that never make secrets (create and reset do): their role may not use the key. */
    private final SecretMacs macs;
    private final Clock clock;
    private final Duration auditRetention;
    /** The expiry notices' schedules, moved after each change of an expiry commits (best effort). */
    private final ExpiryScheduling expiry;

    /** For the functions that make, move or end an expiry: create, edit, reset and delete. */
    public TokenService(TokenStore store, SecretMacs macs, Clock clock, Duration auditRetention, ExpirySchedules schedules) {
        this.store = store;
        this.macs = macs;
        this.clock = clock;
        this.auditRetention = auditRetention;
        this.expiry = new ExpiryScheduling(schedules, clock);
    }

    /** Without expiry schedules ({@link ExpirySchedules#NONE}): for the functions that never change an expiry. */
    public TokenService(TokenStore store, SecretMacs macs, Clock clock, Duration auditRetention) {
        this(store, macs, clock, auditRetention, ExpirySchedules.NONE);
    }

    public TokenService(TokenStore store, SecretMacs macs, Clock clock, ExpirySchedules schedules) {
        this(store, macs, clock, DEFAULT_AUDIT_RETENTION, schedules);
    }

    public TokenService(TokenStore store, SecretMacs macs, Clock clock) {
        this(store, macs, clock, DEFAULT_AUDIT_RETENTION, ExpirySchedules.NONE);
    }

    public TokenView create(Membership member, CreateTokenRequest request) {
        member.requireCreate();
        // Before the MAC: a request the policy refuses costs no KMS call.
        NamespacePolicy policy = policyOf(member.namespace());
        policy.checkExpiry(request.expiresInDays());
        policy.checkPermissions(request.permission(), request.repositories());
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
                // A create that gives none gets the namespace policy's defaultAllowedSources (in normal form).
                .allowedSources(SourceRanges.normalize(policy.allowedSourcesFor(request.allowedSources())))
                .status(TokenStatus.ENABLED)
                .expiresAt(expiryFrom(now, request.expiresInDays()))
                .createdAt(now)
                .updatedAt(now)
                .version(1L)
                .usage(TokenUsage.NONE) // empty maps, which the logins' usage writes set entries in
                .build();
        try {
            store.create(token, LoginRecord.of(token, mac), now, audit(member, AuditAction.CREATE, token, changes(null, token), now));
        } catch (TokenStore.ConditionFailed e) {
            throw new DomainException.Conflict("name_taken",
                    "A token named '" + request.name() + "' already exists (its username " + token.username() + " is taken).",
                    "name");
        }
        expiry.follow(null, token);
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
        // Only what the edit sets is checked: a token made before the policy keeps the rest (GET policy lists it).
        NamespacePolicy policy = policyOf(member.namespace());
        if (edit.expiryGiven()) {
            policy.checkExpiry(edit.expiresInDays());
        }
        policy.checkPermissions(edit.permission(), edit.repositoriesGiven() ? edit.repositories() : null);
        Instant now = now();
        AtomicReference<TokenRecord> before = new AtomicReference<>();
        TokenRecord changed = change(member, tokenId, ifMatch, null, AuditAction.EDIT, current -> {
            before.set(current);
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
        if (edit.expiryGiven()) {
            expiry.follow(before.get(), changed);
        }
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
        TokenRecord changed = change(member, tokenId, ifMatch, mac, AuditAction.RESET,
                current -> current.toBuilder().previousSecretExpiresAt(previousSecretExpiresAt).build());
        // A reset keeps the expiry: its schedules are made again where missing (a repair, as the reconcile would).
        expiry.follow(changed, changed);
        return TokenView.withSecret(changed, now(), secret);
    }

    /**
     * Enables or disables; asking for the state a token is already in changes nothing (idempotent). Disabling ends a
     * reset's grace for good: enabling again does not revive the replaced secret.
     */
    public TokenView setStatus(Membership member, String tokenId, Long ifMatch, TokenStatus status) {
        // Disabling also ends a reset's grace: enabling again does not bring the old secret back.
        TokenRecord changed = change(member, tokenId, ifMatch, null, status == TokenStatus.ENABLED ? AuditAction.ENABLE : AuditAction.DISABLE,
                current -> current.status() == status ? current : status == TokenStatus.DISABLED
                        ? current.toBuilder().status(status).disabledReason(null).previousSecretExpiresAt(null).build()
                        : current.toBuilder().status(status).disabledReason(null).build());
        return TokenView.of(changed, now());
    }

    /**
     * The service disables a token by itself, for {@code reason} ({@link TokenRecord#LEAK_REPORTED}, {@link TokenRecord#UNUSED}),
     * which the token keeps until it is enabled again; {@code stillApplies} is asked again of each fresh read, so a
     * token that no longer qualifies (used meanwhile) is left as it is. A leak is audited as {@code leak_reported}, with
     * {@code report} (the report's url and source) among its changes; an unused token as a disable.
     */
    public TokenView disableFor(Membership member, String tokenId, String reason, Map<String, String> report,
                                Predicate<TokenRecord> stillApplies) {
        AuditAction action = TokenRecord.LEAK_REPORTED.equals(reason) ? AuditAction.LEAK_REPORTED : AuditAction.DISABLE;
        List<FieldChange> reported = report.entrySet().stream().map(entry -> new FieldChange(entry.getKey(), null, entry.getValue())).toList();
        TokenRecord changed = change(member, tokenId, null, null, action, reported, current -> stillApplies.test(current)
                ? current.toBuilder().status(TokenStatus.DISABLED).disabledReason(reason).previousSecretExpiresAt(null).build() : current);
        return TokenView.of(changed, now());
    }

    /** The namespace's policy (its rules null if it has none) and the tokens that break it; owners only. */
    public PolicyView policy(Membership member) {
        member.requireOwner();
        return viewOf(policyOf(member.namespace()));
    }

    /**
     * Replaces the namespace's policy, guarded by its version ({@code ifMatch}; with none given, whatever is stored);
     * owners only. Existing tokens are left as they are: the answer lists those that break the new policy.
     */
    public PolicyView setPolicy(Membership member, Long ifMatch, NamespacePolicy policy) {
        member.requireOwner();
        for (int attempt = 1; attempt <= MAX_CHANGE_ATTEMPTS; attempt++) {
            NamespacePolicy current = policyOf(member.namespace());
            if (ifMatch != null && (!current.exists() || ifMatch != current.version().longValue())) {
                throw new DomainException.PreconditionFailed();
            }
            NamespacePolicy next = policy.written(now(), member.subject(), current.version() + 1);
            try {
                store.putPolicy(next, current.version());
                return viewOf(next);
            } catch (TokenStore.ConditionFailed e) {
                failIfPinned(ifMatch);
                Backoff.pause(attempt);
            }
        }
        throw concurrentModification();
    }

    private NamespacePolicy policyOf(String namespace) {
        return store.findPolicy(namespace).orElseGet(() -> NamespacePolicy.none(namespace));
    }

    private PolicyView viewOf(NamespacePolicy policy) {
        return PolicyView.of(policy, policy.violations(allTokens(policy.namespace()), now()));
    }

    /** Every token of the namespace, page by page. */
    public List<TokenRecord> allTokens(String namespace) {
        List<TokenRecord> all = new ArrayList<>();
        String after = null;
        while (true) {
            List<TokenRecord> page = store.listTokens(namespace, MAX_PAGE_SIZE, after);
            all.addAll(page);
            if (page.size() < MAX_PAGE_SIZE) {
                return all;
            }
            after = page.getLast().id();
        }
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
                store.delete(current, current.version(), audit(member, AuditAction.DELETE, current, List.of(), now()));
                expiry.follow(current, null);
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
    private TokenRecord change(Membership member, String tokenId, Long ifMatch, byte[] newMac, AuditAction action,
                               UnaryOperator<TokenRecord> change) {
        return change(member, tokenId, ifMatch, newMac, action, List.of(), change);
    }

    /** {@link #change}, with {@code context} added to the audit record's changes (what the change was made on). */
    private TokenRecord change(Membership member, String tokenId, Long ifMatch, byte[] newMac, AuditAction action,
                               List<FieldChange> context, UnaryOperator<TokenRecord> change) {
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
                List<FieldChange> changes = new ArrayList<>(changes(current, next));
                changes.addAll(context);
                store.update(current, next, newMac, now, audit(member, action, next, changes, now));
                return next;
            } catch (TokenStore.ConditionFailed e) {
                failIfPinned(ifMatch);
                Backoff.pause(attempt);
            }
        }
        throw concurrentModification();
    }

    /** The audit record of {@code member}'s change of {@code token}, kept for the audit retention. */
    private AuditRecord audit(Membership member, AuditAction action, TokenRecord token, List<FieldChange> changes, Instant now) {
        return AuditRecord.of(TokenIds.newId(now, new SecureRandom()), action, member, token, now, changes, now.plus(auditRetention));
    }

    /** The audited fields whose values differ between {@code before} (null for a new token) and {@code after}. */
    private static List<FieldChange> changes(TokenRecord before, TokenRecord after) {
        List<FieldChange> changes = new ArrayList<>();
        AUDITED_FIELDS.forEach((field, value) -> {
            Object old = before == null ? null : value.apply(before);
            Object now = value.apply(after);
            if (!Objects.equals(old, now)) {
                changes.add(new FieldChange(field, old, now));
            }
        });
        return changes;
    }

    private static Map<String, Function<TokenRecord, Object>> auditedFields() {
        Map<String, Function<TokenRecord, Object>> fields = new LinkedHashMap<>();
        fields.put("permission", token -> token.permission().name());
        fields.put("repositories", token -> token.repositories() == null ? null : token.repositories().stream()
                .map(rule -> Map.of("pattern", rule.pattern(), "permission", rule.permission().name())).toList());
        fields.put("status", token -> token.status().name());
        fields.put("expiresAt", token -> token.expiresAt() == null ? null : Instant.ofEpochSecond(token.expiresAt()).toString());
        fields.put("description", TokenRecord::description);
        fields.put("disabledReason", TokenRecord::disabledReason);
        fields.put("allowedSources", TokenRecord::allowedSources);
        fields.put("previousSecretExpiresAt", token -> token.previousSecretExpiresAt() == null ? null : token.previousSecretExpiresAt().toString());
        return Collections.unmodifiableMap(fields);
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
