package dev.registrytokens.registry;

import dev.registrytokens.core.ApiException;
import dev.registrytokens.core.LoginRecord;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.SecretMacs;
import dev.registrytokens.core.Secrets;
import dev.registrytokens.core.TokenStatus;
import dev.registrytokens.core.TokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides registry logins (HTTP Basic: username and token secret). The hot path: a malformed secret is
 * refused with no AWS call; otherwise one DynamoDB BatchGetItem and, for a usable token that is not
 * throttled, one KMS GenerateMac. Every refusal looks the same to the caller.
 */
public final class RegistryLogins {
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);
    private static final int MAX_USERNAME_LENGTH = 200;
    private static final int MAX_REMEMBERED_TOKENS = 10_000;

    private final TokenStore store;
    private final SecretMacs macs;
    private final Clock clock;
    private final int failureLimit;
    private final Duration failureWindow;
    /** When this execution environment last recorded each token's use: keeps the write off most logins. */
    private final Map<String, Instant> lastUseRecorded = new ConcurrentHashMap<>();

    public RegistryLogins(TokenStore store, SecretMacs macs, Clock clock, int failureLimit, Duration failureWindow) {
        this.store = store;
        this.macs = macs;
        this.clock = clock;
        this.failureLimit = failureLimit;
        this.failureWindow = failureWindow;
    }

    /** Who logged in: what the token endpoint needs to decide grants. */
    public record Login(String tokenId, String accountId, String namespace, String username, Permission permission) {
    }

    public Optional<Login> authenticate(String authorizationHeader) {
        Optional<BasicCredentials> credentials = BasicCredentials.parse(authorizationHeader);
        if (credentials.isEmpty() || !Secrets.isWellFormed(credentials.get().secret())
                || credentials.get().username().length() > MAX_USERNAME_LENGTH) {
            return Optional.empty();
        }
        String username = credentials.get().username();
        Instant now = clock.instant();
        long windowSeconds = failureWindow.toSeconds();
        long window = now.getEpochSecond() / windowSeconds;

        TokenStore.LoginAttempt attempt = store.findLoginAttempt(username, window);
        if (attempt.recentFailures() >= failureLimit) {
            return Optional.empty(); // throttled: no KMS call until the window passes
        }
        LoginRecord login = attempt.login();
        boolean usable = login != null && login.status() == TokenStatus.ENABLED
                && (login.expiresAt() == null || login.expiresAt() > now.getEpochSecond());
        if (usable && SecretMacs.sameMac(login.mac(), macs.macOf(credentials.get().secret()))) {
            recordUse(login, now);
            return Optional.of(new Login(login.tokenId(), login.accountId(), login.namespace(), username, login.permission()));
        }
        store.recordLoginFailure(username, window, (window + 1) * windowSeconds);
        return Optional.empty();
    }

    /**
     * SnapStart priming without side effects: the login read for a username no token can have (it has no '+')
     * and one MAC of a fixed message, which is no secret.
     */
    public void prime() {
        store.findLoginAttempt("snapstart-priming", 0);
        macs.macOf("SnapStart priming");
    }

    private void recordUse(LoginRecord login, Instant now) {
        Instant recorded = lastUseRecorded.get(login.tokenId());
        if (recorded != null && recorded.isAfter(now.minus(LAST_USED_RESOLUTION))) {
            return;
        }
        if (lastUseRecorded.size() > MAX_REMEMBERED_TOKENS) {
            lastUseRecorded.clear();
        }
        lastUseRecorded.put(login.tokenId(), now);
        try {
            store.recordLastUsed(login.accountId(), login.tokenId(), now, now.minus(LAST_USED_RESOLUTION));
        } catch (ApiException unavailable) {
            // lastUsedAt is informational: a valid login is not refused because it could not be recorded
        }
    }
}
