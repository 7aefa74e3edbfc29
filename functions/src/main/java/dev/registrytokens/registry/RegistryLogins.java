package dev.registrytokens.registry;

import dev.registrytokens.core.DomainException;
import dev.registrytokens.core.LoginRecord;
import dev.registrytokens.core.LoginStore;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.RepositoryRule;
import dev.registrytokens.core.SecretMacs;
import dev.registrytokens.core.Secrets;
import dev.registrytokens.core.SourceRanges;
import dev.registrytokens.core.TokenStatus;
import dev.registrytokens.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Decides registry logins (HTTP Basic: username and token secret). A malformed secret is refused with no AWS call;
 * otherwise one DynamoDB BatchGetItem reads the login record and the source's failure counter (for a token this
 * environment sees often, a copy at most a second old may stand in for it: {@link HotTokens}). A secret this
 * execution environment has a KMS verdict on for the record's current MAC is decided without KMS, and a right one is
 * accepted even from a source over its limit: it costs nothing and tells a guesser nothing, so one stale pull secret
 * behind a shared address does not lock out the address's other users. Only a fresh guess costs a KMS call, and it is
 * counted against its source first, by a conditional increment under the limit, so a parallel burst cannot exceed
 * it; a guess that proves right is taken back. A source outside the token's allowed sources is refused right after
 * the read, before any of that (and records no usage: it writes nothing). During a reset's grace the record carries
 * the replaced secret's MAC too, and either secret logs in. Every refusal looks the same to the caller; the log says
 * why. Each token's usage (sources of its logins, refusals of it) is recorded by a {@link UsageRecorder}: at most one
 * write per token a minute per execution environment.
 */
public final class RegistryLogins {
    private static final int MAX_USERNAME_LENGTH = 200;
    private static final int MAX_REMEMBERED_TOKENS = 10_000;
    /** Verdicts outlive neither this nor a change of the stored MAC. */
    private static final Duration MAX_VERDICT_AGE = Duration.ofMinutes(15);
    private static final int MAX_REFUSED_SECRETS_PER_USERNAME = 16;

    private final LoginStore store;
    private final SecretMacs macs;
    private final Clock clock;
    private final int failuresPerSource;
    private final Duration failureWindow;
    private final RememberedSecrets remembered;
    private final HotTokens hotTokens;
    private final Consumer<String> decisionLog;
    /** This environment's usage of each token: at most one write per token a minute. */
    private final UsageRecorder usage;

    public RegistryLogins(LoginStore store, SecretMacs macs, Clock clock, int failuresPerSource, Duration failureWindow) {
        this(store, macs, clock, failuresPerSource, failureWindow, System.out::println);
    }

    /** {@code decisionLog} receives each decision's log line (JSON); the function's log is standard output. */
    public RegistryLogins(LoginStore store, SecretMacs macs, Clock clock, int failuresPerSource, Duration failureWindow,
                          Consumer<String> decisionLog) {
        this(store, macs, clock, failuresPerSource, failureWindow, decisionLog,
                new HotTokenLimits(HotTokens.DEFAULT_LOGINS_PER_SECOND, HotTokens.DEFAULT_MAX_AGE));
    }

    /**
     * A token this environment sees at {@code hot.loginsPerSecond()} or more is served from its copy of the login
     * record, at most {@code hot.maxAge()} old, for secrets it already has a verdict on ({@link HotTokens}).
     */
    public RegistryLogins(LoginStore store, SecretMacs macs, Clock clock, int failuresPerSource, Duration failureWindow,
                          Consumer<String> decisionLog, HotTokenLimits hot) {
        this.decisionLog = decisionLog;
        this.store = store;
        this.macs = macs;
        this.clock = clock;
        this.failuresPerSource = failuresPerSource;
        this.failureWindow = failureWindow;
        this.usage = new UsageRecorder(store);
        this.remembered = new RememberedSecrets(clock, MAX_VERDICT_AGE, MAX_REMEMBERED_TOKENS, MAX_REFUSED_SECRETS_PER_USERNAME);
        this.hotTokens = new HotTokens(clock, hot.loginsPerSecond(), hot.maxAge(), MAX_REMEMBERED_TOKENS);
    }

    /** When a token is hot in an environment (logins per second there) and how old its copy may be when it serves. */
    public record HotTokenLimits(int loginsPerSecond, Duration maxAge) {
        /** Never hot: every login reads (the design before hot tokens; what tests of the read's rules and benchmarks use). */
        public static final HotTokenLimits EVERY_LOGIN_READS = new HotTokenLimits(Integer.MAX_VALUE, Duration.ZERO);
    }

    /** Who logged in: what the token endpoint needs to decide grants. {@code repositories} null means all of the namespace. */
    public record Login(String tokenId, String namespace, String username, Permission permission, List<RepositoryRule> repositories) {
    }

    /** Why a login was refused: the decision log's {@code reason}. */
    public enum Refusal {
        /** No Basic credentials, or ones that do not decode. */
        NO_CREDENTIALS,
        /** A secret that cannot be one (wrong length, prefix or checksum), or a username too long to be one. */
        MALFORMED,
        /** The request has no source address to count failures against. */
        NO_SOURCE,
        UNKNOWN_USER,
        DISABLED,
        EXPIRED,
        BAD_SECRET,
        SOURCE_OVER_LIMIT,
        /** A source outside the token's allowed sources: refused before any guess is counted or MAC made. */
        SOURCE_NOT_ALLOWED;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A login decision: the login, or why there is none; {@code token} is the login record read, if any. */
    private record Decision(Login login, Refusal refusal, LoginRecord token) {
        static Decision refused(Refusal refusal) {
            return new Decision(null, refusal, null);
        }

        /** A refusal of an existing token: counted in its usage. */
        static Decision refused(Refusal refusal, LoginRecord token) {
            return new Decision(null, refusal, token);
        }
    }

    /** {@code sourceIp} is the address the request came from, as API Gateway saw it. */
    public Optional<Login> authenticate(String authorizationHeader, String sourceIp) {
        return BasicCredentials.parse(authorizationHeader)
                .flatMap(credentials -> Optional.ofNullable(recordUsage(authenticate(credentials, sourceIp), sourceIp, null).login()));
    }

    /**
     * The login decision of both token routes, logged: the authorizer's (Basic header) and the OAuth2 password grant's
     * (form body). A failure (a dependency down) is logged and thrown: each route fails closed its own way, the
     * authorizer by denying, the password grant with a 503 the client may retry (not a bad grant). The log line names
     * the username, the source, the token and the reason of a refusal; never the secret, nor a username that holds
     * the secret prefix (a secret typed into the wrong field).
     */
    public Optional<Login> decide(Optional<BasicCredentials> credentials, String sourceIp, String requestId) {
        return decide(credentials, sourceIp, null, requestId);
    }

    /**
     * {@link #decide(Optional, String, String)}, recording the token's usage: a login's source and client (the
     * {@code userAgent} header's first product), or a refusal of an existing token with its reason.
     */
    public Optional<Login> decide(Optional<BasicCredentials> credentials, String sourceIp, String userAgent, String requestId) {
        Decision decision = null;
        String failure = null;
        try {
            decision = credentials.map(presented -> recordUsage(authenticate(presented, sourceIp), sourceIp, UserAgents.product(userAgent)))
                    .orElse(Decision.refused(Refusal.NO_CREDENTIALS));
            return Optional.ofNullable(decision.login());
        } catch (RuntimeException e) {
            failure = e instanceof DomainException.Unavailable unavailable ? unavailable.diagnosis() : e.getClass().getSimpleName();
            throw e;
        } finally {
            Login login = decision == null ? null : decision.login();
            String reason = decision == null || decision.refusal() == null ? null : decision.refusal().code();
            decisionLog.accept(Json.write(new DecisionLogLine(requestId, login != null, reason,
                    credentials.map(presented -> loggable(presented.username())).orElse(null), sourceIp,
                    login == null ? null : login.tokenId(), failure)));
        }
    }

    private record DecisionLogLine(String requestId, boolean allowed, String reason, String username, String source,
                                   String tokenId, String failure) {
    }

    /** A username as the log may show it: never one holding the secret prefix, at most as long as any username is. */
    private static String loggable(String username) {
        if (username.contains(Secrets.PREFIX)) {
            return "[withheld: holds the secret prefix]";
        }
        return username.length() > MAX_USERNAME_LENGTH ? username.substring(0, MAX_USERNAME_LENGTH) + "..." : username;
    }

    /** The decision for credentials however they came. */
    private Decision authenticate(BasicCredentials credentials, String sourceIp) {
        // No username has a '#': one with it would name a login replica (LoginRecord.replicaKey), not a token.
        if (!Secrets.isWellFormed(credentials.secret()) || credentials.username().length() > MAX_USERNAME_LENGTH
                || credentials.username().indexOf('#') >= 0) {
            return Decision.refused(Refusal.MALFORMED);
        }
        Optional<String> source = LoginSource.keyOf(sourceIp);
        if (source.isEmpty()) {
            return Decision.refused(Refusal.NO_SOURCE);
        }
        String username = credentials.username();
        Instant now = clock.instant();
        long windowSeconds = failureWindow.toSeconds();
        long window = now.getEpochSecond() / windowSeconds;

        byte[] secretHash = RememberedSecrets.hashOf(credentials.secret());
        LoginStore.LoginAttempt attempt = loginRead(username, source.get(), window, secretHash);
        LoginRecord login = attempt.login();
        // No token, or one that cannot log in: refused without KMS, and not a guess worth counting.
        if (login == null) {
            return Decision.refused(Refusal.UNKNOWN_USER);
        }
        if (login.status() != TokenStatus.ENABLED) {
            return Decision.refused(Refusal.DISABLED, login);
        }
        if (login.expiresAt() != null && login.expiresAt() <= now.getEpochSecond()) {
            return Decision.refused(Refusal.EXPIRED, login);
        }
        if (!SourceRanges.allows(login.allowedSources(), sourceIp)) {
            return Decision.refused(Refusal.SOURCE_NOT_ALLOWED);
        }
        // During a reset's grace both secrets log in; remembered verdicts hold for this pair of MACs only, so the end of
        // the grace (or any reset) makes them void.
        byte[] previousMac = login.previousMacAt(now);
        byte[] storedMac = verdictKey(login, now);
        switch (remembered.verdict(username, storedMac, secretHash)) {
            case MATCHES -> {
                // known right: no KMS call, no guess, whatever the source's count
            }
            case REFUSED -> {
                return Decision.refused(Refusal.BAD_SECRET, login); // KMS said so already, and the guess was counted then
            }
            case UNKNOWN -> {
                if (attempt.sourceFailures() >= failuresPerSource
                        || !store.countLoginGuess(source.get(), window, (window + 1) * windowSeconds, failuresPerSource)) {
                    return Decision.refused(Refusal.SOURCE_OVER_LIMIT, login); // no answer for it until the window passes
                }
                if (!verify(login.mac(), previousMac, credentials.secret(), source.get(), window)) {
                    remembered.rememberRefusal(username, storedMac, secretHash);
                    return Decision.refused(Refusal.BAD_SECRET, login);
                }
                remembered.rememberMatch(username, storedMac, secretHash);
            }
        }
        return new Decision(new Login(login.tokenId(), login.namespace(), username, login.permission(), login.repositories()), null, login);
    }

    /**
     * The login read; for a hot token, this environment's fresh copy of what it last read instead, unless the copy is of
     * an enabled token and the secret one this environment has no verdict on for the copy's MAC: a fresh guess reads,
     * and is counted, as always. A hot token without a fresh copy reads its record alone. Neither the copy nor that read
     * carries the failure count: what they decide needs none, and a guess is counted under the limit all the same.
     */
    private LoginStore.LoginAttempt loginRead(String username, String source, long window, byte[] secretHash) {
        boolean hot = hotTokens.countLogin(username);
        Optional<HotTokens.Copy> copy = hot ? hotTokens.freshCopy(username) : Optional.empty();
        if (copy.isPresent() && !isFreshGuess(username, copy.get().login(), secretHash)) {
            return new LoginStore.LoginAttempt(copy.get().login(), 0);
        }
        Instant readAt = clock.instant();
        LoginStore.LoginAttempt attempt = hot && copy.isEmpty()
                ? new LoginStore.LoginAttempt(store.refreshLogin(username), 0)
                : store.findLoginAttempt(username, source, window);
        hotTokens.remember(username, attempt.login(), readAt);
        return attempt;
    }

    private boolean isFreshGuess(String username, LoginRecord login, byte[] secretHash) {
        return login != null && login.status() == TokenStatus.ENABLED
                && remembered.verdict(username, verdictKey(login, clock.instant()), secretHash) == RememberedSecrets.Verdict.UNKNOWN;
    }

    /** What remembered verdicts are held under: the record's MAC, or during a reset's grace both MACs together. */
    private static byte[] verdictKey(LoginRecord login, Instant now) {
        byte[] previousMac = login.previousMacAt(now);
        return previousMac == null ? login.mac() : concat(login.mac(), previousMac);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /**
     * The KMS verdict on a counted guess: one MAC, compared with the current MAC and the one in grace (null when none);
     * the count is taken back unless the secret was wrong.
     */
    private boolean verify(byte[] mac, byte[] previousMac, String secret, String source, long window) {
        boolean verified;
        try {
            byte[] presented = macs.macOf(secret);
            // Both compared, in constant time each, whichever matches.
            boolean current = SecretMacs.sameMac(mac, presented);
            boolean previous = previousMac != null && SecretMacs.sameMac(previousMac, presented);
            verified = current | previous;
        } catch (RuntimeException kmsUnavailable) {
            uncount(source, window); // no verdict: not the source's failure
            throw kmsUnavailable;
        }
        if (verified) {
            uncount(source, window);
        }
        return verified;
    }

    private void uncount(String source, long window) {
        try {
            store.uncountLoginGuess(source, window);
        } catch (DomainException.Unavailable unavailable) {
            // the guess stays counted: at worst one failure too many, until the window passes
        }
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
        hotTokens.forgetAll();
        usage.forgetAll();
    }

    /** Records the decision in its token's usage, if it concerns an existing token and has a source; then returns it. */
    private Decision recordUsage(Decision decision, String sourceIp, String client) {
        if (decision.token() != null && sourceIp != null) {
            if (decision.login() != null) {
                usage.used(decision.token(), sourceIp, client, clock.instant());
            } else {
                usage.refused(decision.token(), sourceIp, client, decision.refusal().code(), clock.instant());
            }
        }
        return decision;
    }
}
