package dev.registrytokens.core;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The token table in memory, for fast tests of the domain rules: both ports over one set of records, with the
 * conditions the DynamoDB adapters write (version guards, expiry, login ownership, the failure limit), each
 * write atomic. Counts the calls made of it, by method name.
 */
public final class InMemoryTable implements TokenStore, LoginStore {
    private final Map<String, TokenRecord> tokens = new HashMap<>();
    private final Map<String, LoginRecord> logins = new HashMap<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private Runnable beforeNextUpdate;

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

    /** Stores a token's record as it is, bypassing every rule: another writer, or TTL, acting on the table. */
    public synchronized void put(TokenRecord token) {
        tokens.put(token.pk() + "/" + token.sk(), token);
    }

    /** Stores a login record as it is (see {@link #put(TokenRecord)}). */
    public synchronized void put(String username, LoginRecord login) {
        logins.put(username, login);
    }

    @Override
    public synchronized void create(TokenRecord token, LoginRecord login, Instant now) {
        count("create");
        LoginRecord holder = logins.get(token.username());
        if (tokens.containsKey(keyOf(token)) || (holder != null && !expired(holder.expiresAt(), now))) {
            throw new ConditionFailed();
        }
        tokens.put(keyOf(token), token);
        logins.put(token.username(), login);
    }

    @Override
    public void update(TokenRecord current, TokenRecord next, byte[] newMac, Instant now) {
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
            // Only what an edit may change: lastUsedAt and the rest stay as stored.
            tokens.put(keyOf(current), token.toBuilder().description(next.description()).permission(next.permission())
                    .repositories(next.repositories()).status(next.status()).expiresAt(next.expiresAt())
                    .updatedAt(next.updatedAt()).version(next.version()).allowedSources(next.allowedSources())
                    .previousSecretExpiresAt(next.previousSecretExpiresAt()).build());
            // A reset with a grace keeps the MAC it replaces; without one, or when a grace ends, it goes.
            byte[] previousMac = next.previousSecretExpiresAt() == null ? null : newMac != null ? login.mac() : login.previousMac();
            logins.put(current.username(), new LoginRecord(login.pk(), login.sk(), login.tokenId(), login.legacyAccountId(),
                    login.namespace(), next.permission(), next.repositories(), next.status(), next.expiresAt(),
                    newMac != null ? newMac : login.mac(), next.version(), next.allowedSources(), previousMac,
                    next.previousSecretExpiresAt()));
        }
    }

    @Override
    public synchronized void delete(TokenRecord token, long expectedVersion) {
        count("delete");
        TokenRecord stored = tokens.get(keyOf(token));
        LoginRecord login = logins.get(token.username());
        boolean ownsLogin = login != null && token.id().equals(login.tokenId());
        if (stored == null || stored.version() != expectedVersion || (ownsLogin && login.version() != expectedVersion)) {
            throw new ConditionFailed();
        }
        tokens.remove(keyOf(token));
        if (ownsLogin) {
            logins.remove(token.username());
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
    public synchronized LoginAttempt findLoginAttempt(String username, String source, long failureWindow) {
        count("findLoginAttempt");
        return new LoginAttempt(logins.get(username), failures.getOrDefault(source + "#" + failureWindow, 0));
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
    public synchronized void recordLastUsed(LoginRecord login, Instant usedAt, Instant notAfter) {
        count("recordLastUsed");
        String partition = login.legacyAccountId() != null
                ? TokenRecord.legacyPartitionKey(login.legacyAccountId()) : TokenRecord.partitionKey(login.namespace());
        String key = partition + "/" + TokenRecord.sortKey(login.tokenId());
        TokenRecord token = tokens.get(key);
        Instant limit = notAfter.truncatedTo(ChronoUnit.SECONDS);
        if (token != null && (token.lastUsedAt() == null || token.lastUsedAt().isBefore(limit))) {
            tokens.put(key, token.toBuilder().lastUsedAt(usedAt.truncatedTo(ChronoUnit.SECONDS)).build());
        }
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
