package dev.registrytokens.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the token lifecycle keeps its tokens: each token is a {@link TokenRecord} (under its namespace) and a
 * {@link LoginRecord} (under its username), always written together and conditionally. The table's adapter is
 * {@code core.adapters.DynamoDbTokenStore}.
 */
public interface TokenStore {
    /** Thrown when a conditional write lost: the item exists already, or its version moved on. */
    final class ConditionFailed extends RuntimeException {
        public ConditionFailed() {
            super("conditional write failed", null, false, false);
        }
    }

    /**
     * Writes a new token, and {@code audit}, its audit record and outbox entry, in the same transaction. Its username may be taken from an expired token whose login record TTL has not
     * deleted yet (TTL can be days late); fails with {@link ConditionFailed} while an unexpired token holds it.
     */
    void create(TokenRecord token, LoginRecord login, Instant now, AuditRecord audit);

    /**
     * Updates, in both of the token's records, only the attributes in which {@code next} differs from {@code current}
     * (and the login record's MAC, if {@code newMac} is given): attributes written by others, such as the registry
     * logins' {@code lastUsedAt}, stay as they are. Both records must still be at {@code current}'s version and
     * unexpired at {@code now} (a token that expired since it was read is not brought back), and the login record
     * must still be this token's; otherwise {@link ConditionFailed}. {@code audit} is written in the same transaction:
     * the change and its audit record land together or not at all.
     */
    void update(TokenRecord current, TokenRecord next, byte[] newMac, Instant now, AuditRecord audit);

    /**
     * Deletes the token's record if it is still at {@code expectedVersion}, and its login record (freeing the
     * username) if that is still this token's. TTL deletes each record on its own, so an expired token's login
     * record may be gone already, or belong to a newer token of the same username: then it is left alone, and
     * the delete checks that it still is. {@code audit} is written in the same transaction.
     */
    void delete(TokenRecord token, long expectedVersion, AuditRecord audit);

    Optional<TokenRecord> findToken(String namespace, String tokenId);

    /** The login record for a username, read strongly consistent. */
    Optional<LoginRecord> findLogin(String username);

    /** Up to {@code limit} of a namespace's tokens, newest first, starting after the token {@code afterId}. */
    List<TokenRecord> listTokens(String namespace, int limit, String afterId);

    /** The namespace's policy, read strongly consistent; empty if its owners set none. */
    Optional<NamespacePolicy> findPolicy(String namespace);

    /** Writes the policy if the stored one is still at {@code expectedVersion} (0: none stored); else {@link ConditionFailed}. */
    void putPolicy(NamespacePolicy policy, long expectedVersion);

    /** Every namespace's policy (the daily sweep's list). */
    List<NamespacePolicy> listPolicies();

    /**
     * The login record whose secret has this MAC, if any: its current secret's (the table's {@code mac} index) or the one
     * a reset's grace still lets log in ({@code previousMac} index, while in grace at {@code now}). Indexes are eventually
     * consistent: the record read by key, strongly consistent, decides.
     */
    Optional<LoginRecord> findLoginByMac(byte[] mac, Instant now);
}
