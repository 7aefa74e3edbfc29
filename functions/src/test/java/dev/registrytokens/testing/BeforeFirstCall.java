package dev.registrytokens.testing;

import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Runs an action just before the first call of one operation goes out: how a test slips another writer in
 * between a request's read and its write, deterministically.
 */
public final class BeforeFirstCall implements ExecutionInterceptor {
    private final String operation;
    private final Runnable action;
    private final AtomicBoolean done = new AtomicBoolean();

    public BeforeFirstCall(String operation, Runnable action) {
        this.operation = operation;
        this.action = action;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (operation.equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)) && done.compareAndSet(false, true)) {
            action.run();
        }
    }
}
