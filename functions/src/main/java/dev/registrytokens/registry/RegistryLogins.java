package dev.registrytokens.registry;

import dev.registrytokens.core.DomainException;
import dev.registrytokens.core.LoginRecord;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.RepositoryRule;
import dev.registrytokens.core.SecretMacs;
import dev.registrytokens.core.Secrets;
import dev.registrytokens.core.TokenStatus;
import dev.registrytokens.core.TokenStore;
import dev.registrytokens.http.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides registry logins (HTTP Basic: username and token secret). A malformed secret is refused with no AWS call;
 * otherwise one DynamoDB BatchGetItem reads the login record and the source's failure counter. KMS is asked only
 * for a usable token, a source under its limit and a secret this execution environment has no verdict on for the
 * record's current MAC: a repeat login makes no KMS call. A failure is counted (one write, against the source)
 * only when a wrong secret cost a KMS call, so a correct secret is never refused because of what other sources
 * sent. Every refusal looks the same to the caller.
 */
public final class RegistryLogins {
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);
    private static final int MAX_USERNAME_LENGTH = 200;
    private static final int MAX_REMEMBERED_TOKENS = 10_000;
    /** Verdicts outlive neither this nor a change of the stored MAC. */
    private static final Duration MAX_VERDICT_AGE = Duration.ofMinutes(15);
    private static final int MAX_REFUSED_SECRETS_PER_USERNAME = 16;

    private final TokenStore store;
    private final SecretMacs macs;
    private final Clock clock;
    private final int failuresPerSource;
    private final Duration failureWindow;
    private final RememberedSecrets remembered;
    /** When this execution environment last recorded each token's use: keeps the write off most logins. */
    private final Map<String, Instant> lastUseRecorded = new ConcurrentHashMap<>();

    public RegistryLogins(TokenStore store, SecretMacs macs, Clock clock, int failuresPerSource, Duration failureWindow) {
        this.store = store;
        this.macs = macs;
        this.clock = clock;
        this.failuresPerSource = failuresPerSource;
        this.failureWindow = failureWindow;
        this.remembered = new RememberedSecrets(clock, MAX_VERDICT_AGE, MAX_REMEMBERED_TOKENS, MAX_REFUSED_SECRETS_PER_USERNAME);
    }

    /** Who logged in: what the token endpoint needs to decide grants. {@code repositories} null means all of the namespace. */
    public record Login(String tokenId, String namespace, String username, Permission permission, List<RepositoryRule> repositories) {
    }

    /** {@code sourceIp} is the address the request came from, as API Gateway saw it. */
    public Optional<Login> authenticate(String authorizationHeader, String sourceIp) {
        return BasicCredentials.parse(authorizationHeader).flatMap(credentials -> authenticate(credentials, sourceIp));
    }

    /**
     * The login decision of both token routes, logged: the authorizer's (Basic header) and the OAuth2 password grant's
     * (form body). A failure (a dependency down) is logged and thrown: each route fails closed its own way, the
     * authorizer by denying, the password grant with a 503 the client may retry (not a bad grant). The log line names
     * the token, never the username (a denied username may be a mistyped secret) nor the secret.
     */
    public Optional<Login> decide(Optional<BasicCredentials> credentials, String sourceIp, String requestId) {
        Optional<Login> login = Optional.empty();
        String failure = null;
        try {
            login = credentials.flatMap(presented -> authenticate(presented, sourceIp));
            return login;
        } catch (RuntimeException e) {
            failure = e.getClass().getSimpleName();
            throw e;
        } finally {
            System.out.println(Json.write(new DecisionLogLine(requestId, login.map(Login::tokenId).orElse(null), login.isPresent(), failure)));
        }
    }

    private record DecisionLogLine(String requestId, String tokenId, boolean allowed, String failure) {
    }

    /** The decision for credentials however they came. */
    private Optional<Login> authenticate(BasicCredentials credentials, String sourceIp) {
        Optional<String> source = LoginSource.keyOf(sourceIp);
        if (!Secrets.isWellFormed(credentials.secret()) || credentials.username().length() > MAX_USERNAME_LENGTH || source.isEmpty()) {
            return Optional.empty();
        }
        String username = credentials.username();
        Instant now = clock.instant();
        long windowSeconds = failureWindow.toSeconds();
        long window = now.getEpochSecond() / windowSeconds;

        TokenStore.LoginAttempt attempt = store.findLoginAttempt(username, source.get(), window);
        LoginRecord login = attempt.login();
        // No token, or one that cannot log in: refused without KMS, and not a guess worth counting.
        if (login == null || login.status() != TokenStatus.ENABLED
                || (login.expiresAt() != null && login.expiresAt() <= now.getEpochSecond())) {
            return Optional.empty();
        }
        if (attempt.sourceFailures() >= failuresPerSource) {
            return Optional.empty(); // even a correct secret: the source gets no answer until its window passes
        }
        byte[] storedMac = login.mac().asByteArrayUnsafe();
        byte[] secretHash = RememberedSecrets.hashOf(credentials.secret());
        boolean matches = switch (remembered.verdict(username, storedMac, secretHash)) {
            case MATCHES -> true;
            case REFUSED -> false; // KMS said so already: no KMS call, so nothing to count
            case UNKNOWN -> {
                boolean verified = SecretMacs.sameMac(login.mac(), macs.macOf(credentials.secret()));
                if (verified) {
                    remembered.rememberMatch(username, storedMac, secretHash);
                } else {
                    remembered.rememberRefusal(username, storedMac, secretHash);
                    store.recordLoginFailure(source.get(), window, (window + 1) * windowSeconds);
                }
                yield verified;
            }
        };
        if (!matches) {
            return Optional.empty();
        }
        recordUse(login, now);
        return Optional.of(new Login(login.tokenId(), login.namespace(), username, login.permission(), login.repositories()));
    }

    /**
     * SnapStart priming without side effects: the login read for a username no token can have (it has no '+')
     * and one MAC of a fixed message, which is no secret. Then whatever verdicts were remembered are dropped:
     * nothing derived from a secret goes into the snapshot.
     */
    public void prime() {
        store.findLoginAttempt("snapstart-priming", "snapstart-priming", 0);
        macs.macOf("SnapStart priming");
        remembered.forgetAll();
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
            store.recordLastUsed(login, now, now.minus(LAST_USED_RESOLUTION));
        } catch (DomainException.Unavailable unavailable) {
            // lastUsedAt is informational: a valid login is not refused because it could not be recorded
        }
    }
}
