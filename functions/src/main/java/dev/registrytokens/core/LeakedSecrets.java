package dev.registrytokens.core;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Secrets reported leaked (GitHub secret scanning): a reported secret that logs in to a token (its current secret, or the
 * one a reset's grace still lets in) disables
 * that token at once ({@link TokenRecord#LEAK_REPORTED}, not deleted, so its owners see what happened). Says only
 * whether the secret was live, which whoever holds the secret can find out anyway.
 */
public final class LeakedSecrets {
    private final TokenStore store;
    private final SecretMacs macs;
    private final TokenService tokens;
    private final Clock clock;

    public LeakedSecrets(TokenStore store, SecretMacs macs, TokenService tokens, Clock clock) {
        this.store = store;
        this.macs = macs;
        this.tokens = tokens;
        this.clock = clock;
    }

    /**
     * True when {@code secret} logs in to an unexpired token (its current secret, or in a reset's grace its old one), which is now disabled; false for anything
     * else. A malformed secret (or a bad checksum) costs no call at all; an unknown one a MAC and a lookup, no write.
     * The disable is audited as {@code leak_reported}, with the report's {@code url} and {@code source} (either may be null).
     */
    public boolean revoke(String secret, String url, String source) {
        if (!Secrets.isWellFormed(secret)) {
            return false;
        }
        var login = store.findLoginByMac(macs.macOf(secret), clock.instant());
        if (login.isEmpty() || login.get().tokenId() == null || login.get().namespace() == null || login.get().legacyAccountId() != null) {
            return false;
        }
        try {
            Map<String, String> report = new LinkedHashMap<>();
            report.put("reportUrl", url);
            report.put("reportSource", source);
            tokens.disableFor(Membership.system(login.get().namespace()), login.get().tokenId(), TokenRecord.LEAK_REPORTED, report, token -> true);
            return true;
        } catch (DomainException.NotFound gone) {
            return false;
        } catch (DomainException.Conflict conflict) {
            if ("token_expired".equals(conflict.code())) {
                return false;
            }
            throw conflict;
        }
    }

    /** SnapStart priming: one MAC of a fixed message, which is no secret. */
    public void primeSecretMacs() {
        macs.macOf("SnapStart priming");
    }
}
