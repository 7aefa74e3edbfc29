package dev.registrytokens.runtime;

import dev.registrytokens.core.DomainException;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart's hooks for one function. Lambda runs the function's init once, snapshots the execution
 * environment, and resumes copies of that snapshot. Before the snapshot ({@code beforeCheckpoint}) the function
 * primes what its first request needs: classes, SDK clients and marshallers, Jackson, a real read where that has
 * no side effect. Then the credentials the priming fetched are dropped: a snapshot must hold no secret, and
 * every restored copy fetches its own. Nothing unique per environment (random state, keys) is made before the
 * snapshot: what needs one makes it per invocation.
 */
public final class SnapStart implements Resource {
    /** The caller and namespace (its own) and the token id that priming reads: no real token can have that id. */
    public static final String PRIMING_ACCOUNT = "snapstart-priming";
    public static final String PRIMING_TOKEN_ID = "00000000000000000000000000";

    private static final int PRIMING_ATTEMPTS = 3;
    private final Runnable priming;

    private SnapStart(Runnable priming) {
        this.priming = priming;
    }

    /**
     * Registers {@code priming} to run before the snapshot. The caller keeps the answer: the runtime holds
     * resources weakly.
     */
    public static SnapStart primeBeforeSnapshot(Runnable priming) {
        SnapStart hooks = new SnapStart(priming);
        Core.getGlobalContext().register(hooks);
        return hooks;
    }

    /**
     * Priming runs once the function's init is done, when the version is published: no request waits for it, so a
     * priming call that failed (the first calls of a cold JVM are slow, and may pass the hot path's timeouts) is tried
     * again, up to {@value #PRIMING_ATTEMPTS} times, until the snapshot holds a warm path. Its failure never fails init.
     */
    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        long started = System.nanoTime();
        String failure = null;
        int attempts = 0;
        try {
            do {
                attempts++;
                failure = null;
                try {
                    priming.run();
                } catch (RuntimeException e) {
                    failure = e instanceof DomainException.Unavailable unavailable ? unavailable.diagnosis() : e.getClass().getSimpleName();
                }
            } while (failure != null && attempts < PRIMING_ATTEMPTS);
        } finally {
            LambdaCredentials.INSTANCE.forget();
        }
        System.out.println("{\"snapStart\":\"beforeCheckpoint\",\"primedMs\":" + (System.nanoTime() - started) / 1_000_000
                + ",\"attempts\":" + attempts
                + ",\"failure\":" + (failure == null ? "null" : "\"" + failure.replace("\\", "\\\\").replace("\"", "\\\"") + "\"") + "}");
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        System.out.println("{\"snapStart\":\"afterRestore\"}");
    }
}
