package dev.registrytokens.core;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The token table in memory, for fast tests of the domain rules: both ports over one set of records, with the
 * conditions the DynamoDB adapters write (version guards, expiry, login ownership, the failure limit), each
 * write atomic, its audit record written with it or not at all. A login record has its replicas ({@link
 * LoginRecord#REPLICAS}), written with it, and a refresh reads the one this table picked. Counts the calls made of it,
 * by method name.
 */
public final class InMemoryTable implements TokenStore, LoginStore, AuditStore {
    private final Map<String, TokenRecord> tokens = new HashMap<>();
    private final Map<String, LoginRecord> logins = new HashMap<>();
    /** Replicas 1 to {@code REPLICAS - 1} of the login records, by key. */
    private final Map<String, LoginRecord> replicas = new HashMap<>();
    private final int refreshReplica = 1 + new Random().nextInt(LoginRecord.REPLICAS - 1);
    private final Map<String, Integer> failures = new HashMap<>();
    private final Map<String, NamespacePolicy> policies = new HashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    /** Audit records by id (time-sortable), and the ids still in the outbox. */
    private final TreeMap<String, AuditRecord> audit = new TreeMap<>();
    private final TreeMap<String, AuditRecord> outbox = new TreeMap<>();
    private Runnable beforeNextUpdate;
    private boolean failNextAuditWrite;

    /** How many times {@code method} was called. */
    public int calls(String method) {
        AtomicInteger count = calls.get(method);
        return count == null ? 0 : count.get();
    }

    /** Every call, by method. */
    public int totalCalls() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    public void resetCalls() {
        calls.clear();
    }

    /** Runs {@code write} (another writer's change) just before the next update, so that the update's read is stale. */
    public synchronized void beforeNextUpdate(Runnable write) {
        beforeNextUpdate = write;
    }

    /** Makes the next audit write fail as a DynamoDB error would, which cancels the whole transaction. */
    public synchronized void failNextAuditWrite() {
        failNextAuditWrite = true;
    }

    /** Every audit record, oldest first. */
    public synchronized List<AuditRecord> auditRecords() {
        return List.copyOf(audit.values());
    }

    /** Checked before a change writes anything: its audit write failing fails it all. */
    private void requireAuditWritable(AuditRecord record) {
        if (failNextAuditWrite) {
            failNextAuditWrite = false;
            throw DomainException.Unavailable.dependency("The token table", "error (audit write failed)");
        }
        if (audit.containsKey(record.id())) {
            throw new ConditionFailed();
        }
    }

    private void writeAudit(AuditRecord record) {
        audit.put(record.id(), record);
        outbox.put(record.id(), record);
    }

    /** Stores a token's record as it is, bypassing every rule: another writer, or TTL, acting on the table. */
    public synchronized void put(TokenRecord token) {
        tokens.put(token.pk() + "/" + token.sk(), token);
    }

    /** Stores a login record as it is, with its replicas (see {@link #put(TokenRecord)}). */
    public synchronized void put(String username, LoginRecord login) {
        logins.put(username, login);
        forEachReplica(username, key -> replicas.put(key, underKey(login, key)));
    }

    /** Login replica {@code replica} (1 to {@code REPLICAS - 1}) of the username, or null. */
    public synchronized LoginRecord replica(String username, int replica) {
        return replicas.get(LoginRecord.replicaKey(username, replica));
    }

    /** Removes the username's replicas, as of a login record written before there were any. */
    public synchronized void removeReplicas(String username) {
        forEachReplica(username, replicas::remove);
    }

    private static void forEachReplica(String username, Consumer<String> action) {
        for (int replica = 1; replica < LoginRecord.REPLICAS; replica++) {
            action.accept(LoginRecord.replicaKey(username, replica));
        }
    }

    @Override
    public synchronized void create(TokenRecord token, LoginRecord login, Instant now, AuditRecord auditRecord) {
        count("create");
        LoginRecord holder = logins.get(token.username());
        if (tokens.containsKey(keyOf(token)) || (holder != null && !expired(holder.expiresAt(), now))) {
            throw new ConditionFailed();
        }
        requireAuditWritable(auditRecord);
        tokens.put(keyOf(token), token);
        logins.put(token.username(), login);
        forEachReplica(token.username(), key -> replicas.put(key, underKey(login, key)));
        writeAudit(auditRecord);
    }

    @Override
    public void update(TokenRecord current, TokenRecord next, byte[] newMac, Instant now, AuditRecord auditRecord) {
        Runnable write;
        synchronized (this) {
            write = beforeNextUpdate;
            beforeNextUpdate = null;
        }
        if (write != null) {
            write.run();
        }
        synchronized (this) {
            count("update");
            TokenRecord token = tokens.get(keyOf(current));
            LoginRecord login = logins.get(current.username());
            if (token == null || login == null || !Objects.equals(token.version(), current.version())
                    || !Objects.equals(login.version(), current.version()) || expired(token.expiresAt(), now)
                    || expired(login.expiresAt(), now) || !current.id().equals(login.tokenId())) {
                throw new ConditionFailed();
            }
            requireAuditWritable(auditRecord);
            writeAudit(auditRecord);
            // Only what an edit may change: lastUsedAt and the rest stay as stored.
            tokens.put(keyOf(current), token.toBuilder().description(next.description()).permission(next.permission())
                    .repositories(next.repositories()).status(next.status()).expiresAt(next.expiresAt())
                    .updatedAt(next.updatedAt()).version(next.version()).disabledReason(next.disabledReason()).allowedSources(next.allowedSources())
                    .previousSecretExpiresAt(next.previousSecretExpiresAt()).build());
            logins.put(current.username(), updated(login, next, newMac));
            // The same changes on each replica there is (one of a record written before replicas stays absent).
            forEachReplica(current.username(), key -> replicas.computeIfPresent(key, (unused, replica) -> updated(replica, next, newMac)));
        }
    }

    private static LoginRecord underKey(LoginRecord login, String key) {
        return new LoginRecord(key, key, login.tokenId(), login.legacyAccountId(), login.namespace(), login.permission(),
                login.repositories(), login.status(), login.expiresAt(), login.mac(), login.version(), login.allowedSources(),
                login.previousMac(), login.previousMacExpiresAt());
    }

    /** A reset with a grace keeps the MAC it replaces; without one, or when a grace ends, it goes. */
    private static LoginRecord updated(LoginRecord login, TokenRecord next, byte[] newMac) {
        byte[] previousMac = next.previousSecretExpiresAt() == null ? null : newMac != null ? login.mac() : login.previousMac();
        return new LoginRecord(login.pk(), login.sk(), login.tokenId(), login.legacyAccountId(),
                login.namespace(), next.permission(), next.repositories(), next.status(), next.expiresAt(),
                newMac != null ? newMac : login.mac(), next.version(), next.allowedSources(), previousMac,
                next.previousSecretExpiresAt());
    }

    @Override
    public synchronized void delete(TokenRecord token, long expectedVersion, AuditRecord auditRecord) {
        count("delete");
        TokenRecord stored = tokens.get(keyOf(token));
        LoginRecord login = logins.get(token.username());
        boolean ownsLogin = login != null && token.id().equals(login.tokenId());
        if (stored == null || stored.version() != expectedVersion || (ownsLogin && login.version() != expectedVersion)) {
            throw new ConditionFailed();
        }
        requireAuditWritable(auditRecord);
        writeAudit(auditRecord);
        tokens.remove(keyOf(token));
        if (ownsLogin) {
            logins.remove(token.username());
            forEachReplica(token.username(), replicas::remove);
        }
    }

    @Override
    public synchronized Optional<TokenRecord> findToken(String namespace, String tokenId) {
        count("findToken");
        return Optional.ofNullable(tokens.get(TokenRecord.partitionKey(namespace) + "/" + TokenRecord.sortKey(tokenId)));
    }

    @Override
    public synchronized Optional<LoginRecord> findLogin(String username) {
        count("findLogin");
        return Optional.ofNullable(logins.get(username));
    }

    @Override
    public synchronized List<TokenRecord> listTokens(String namespace, int limit, String afterId) {
        count("listTokens");
        return tokens.values().stream()
                .filter(token -> token.pk().equals(TokenRecord.partitionKey(namespace)))
                .filter(token -> afterId == null || token.id().compareTo(afterId) < 0)
                .sorted(Comparator.comparing(TokenRecord::id).reversed())
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized List<AuditRecord> listAudit(String namespace, int limit, String afterId, String tokenId) {
        count("listAudit");
        return audit.descendingMap().values().stream()
                .filter(record -> record.namespace().equals(namespace))
                .filter(record -> afterId == null || record.id().compareTo(afterId) < 0)
                .filter(record -> tokenId == null || record.tokenId().equals(tokenId))
                .limit(limit)
                .toList();
    }

    @Override
    public synchronized List<AuditRecord> pendingEvents(int limit) {
        count("pendingEvents");
        return new ArrayList<>(outbox.values()).subList(0, Math.min(limit, outbox.size()));
    }

    @Override
    public synchronized void eventPublished(AuditRecord record) {
        count("eventPublished");
        outbox.remove(record.id());
    }

    @Override
    public synchronized LoginAttempt findLoginAttempt(String username, String source, long failureWindow) {
        count("findLoginAttempt");
        return new LoginAttempt(logins.get(username), failures.getOrDefault(source + "#" + failureWindow, 0));
    }

    @Override
    public synchronized LoginRecord refreshLogin(String username) {
        count("refreshLogin");
        LoginRecord replica = replicas.get(LoginRecord.replicaKey(username, refreshReplica));
        count(replica != null ? "refreshLogin from a replica" : "refreshLogin from the primary");
        return replica != null ? replica : logins.get(username);
    }

    @Override
    public synchronized boolean countLoginGuess(String source, long failureWindow, long windowEndsAtEpochSecond, int limit) {
        count("countLoginGuess");
        String key = source + "#" + failureWindow;
        int counted = failures.getOrDefault(key, 0);
        if (counted >= limit) {
            return false;
        }
        failures.put(key, counted + 1);
        return true;
    }

    @Override
    public synchronized void uncountLoginGuess(String source, long failureWindow) {
        count("uncountLoginGuess");
        failures.computeIfPresent(source + "#" + failureWindow, (key, counted) -> counted > 0 ? counted - 1 : counted);
    }

    @Override
    public synchronized Optional<TokenUsage> recordUsage(LoginRecord login, UsageUpdate update) {
        count("recordUsage");
        String partition = login.legacyAccountId() != null
                ? TokenRecord.legacyPartitionKey(login.legacyAccountId()) : TokenRecord.partitionKey(login.namespace());
        String key = partition + "/" + TokenRecord.sortKey(login.tokenId());
        TokenRecord token = tokens.get(key);
        if (token == null) {
            return Optional.empty();
        }
        TokenUsage usage = token.usage() == null ? TokenUsage.NONE : token.usage();
        Map<String, TokenUsage.Source> sources = new HashMap<>(usage.sources());
        sources.putAll(update.sources());
        sources.keySet().removeAll(update.staleSources());
        Map<String, Long> refusals = new HashMap<>(usage.refusals());
        update.refusals().forEach((bucket, count) -> refusals.merge(bucket, count, Long::sum));
        refusals.keySet().removeAll(update.staleRefusals());
        TokenUsage stored = new TokenUsage(sources, refusals, update.lastRefusal() != null ? update.lastRefusal() : usage.lastRefusal());
        tokens.put(key, token.toBuilder().usage(stored)
                .lastUsedAt(update.lastUsedAt() != null ? update.lastUsedAt().truncatedTo(ChronoUnit.SECONDS) : token.lastUsedAt()).build());
        return Optional.of(stored);
    }

    @Override
    public synchronized Optional<NamespacePolicy> findPolicy(String namespace) {
        count("findPolicy");
        return Optional.ofNullable(policies.get(namespace));
    }

    @Override
    public synchronized void putPolicy(NamespacePolicy policy, long expectedVersion) {
        count("putPolicy");
        NamespacePolicy stored = policies.get(policy.namespace());
        if (stored == null ? expectedVersion != 0 : stored.version() != expectedVersion) {
            throw new ConditionFailed();
        }
        policies.put(policy.namespace(), policy);
    }

    @Override
    public synchronized List<NamespacePolicy> listPolicies() {
        count("listPolicies");
        return List.copyOf(policies.values());
    }

    @Override
    public synchronized Optional<LoginRecord> findLoginByMac(byte[] mac, Instant now) {
        count("findLoginByMac");
        return logins.values().stream().filter(login -> SecretMacs.sameMac(login.mac(), mac)
                || (login.previousMacAt(now) != null && SecretMacs.sameMac(login.previousMacAt(now), mac))).findFirst();
    }

    /** The failed logins counted against a source in a window. */
    public synchronized int failures(String source, long failureWindow) {
        return failures.getOrDefault(source + "#" + failureWindow, 0);
    }

    private static String keyOf(TokenRecord token) {
        return token.pk() + "/" + token.sk();
    }

    private static boolean expired(Long expiresAt, Instant now) {
        return expiresAt != null && expiresAt <= now.getEpochSecond();
    }

    private void count(String method) {
        calls.computeIfAbsent(method, name -> new AtomicInteger()).incrementAndGet();
    }
}
