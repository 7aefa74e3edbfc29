package dev.registrytokens.aws;

import dev.registrytokens.core.adapters.DependencyFailures;
import java.io.IOException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * Keeps what a call's failed attempts ran into, for a call that then ran out of time while retrying them: the SDK
 * reports only the timeout, and a 503's log line must say whether the dependency throttled, refused connections or
 * hung. A throttled attempt is seen in its response; a connection failure in the HTTP client, on the calling thread
 * (a synchronous client's attempts run on it). What was seen is added to the failure as a suppressed exception.
 */
final class AttemptFailures implements ExecutionInterceptor {
    private static final ExecutionAttribute<Boolean> THROTTLED = new ExecutionAttribute<>("registry-tokens.throttled");
    private static final ThreadLocal<IOException> LAST_TRANSPORT_FAILURE = new ThreadLocal<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        LAST_TRANSPORT_FAILURE.remove();
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        int status = context.httpResponse().statusCode();
        String errorType = context.httpResponse().firstMatchingHeader("x-amzn-ErrorType").orElse("");
        if (status == 429 || errorType.contains("Throttl") || errorType.contains("LimitExceeded")) {
            attributes.putAttribute(THROTTLED, true);
        }
    }

    @Override
    public Throwable modifyException(Context.FailedExecution context, ExecutionAttributes attributes) {
        Throwable failure = context.exception();
        IOException transport = LAST_TRANSPORT_FAILURE.get();
        LAST_TRANSPORT_FAILURE.remove();
        if (!(failure instanceof SdkServiceException)) {
            if (Boolean.TRUE.equals(attributes.getAttribute(THROTTLED))) {
                failure.addSuppressed(new DependencyFailures.ThrottledAttempt());
            } else if (transport != null && failure.getCause() != transport) {
                failure.addSuppressed(transport);
            }
        }
        return failure;
    }

    /** The HTTP client, noting each attempt's transport failure for {@link #modifyException}. */
    static SdkHttpClient noting(SdkHttpClient http) {
        return new SdkHttpClient() {
            @Override
            public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
                ExecutableHttpRequest prepared = http.prepareRequest(request);
                return new ExecutableHttpRequest() {
                    @Override
                    public HttpExecuteResponse call() throws IOException {
                        try {
                            return prepared.call();
                        } catch (IOException e) {
                            LAST_TRANSPORT_FAILURE.set(e);
                            throw e;
                        }
                    }

                    @Override
                    public void abort() {
                        prepared.abort();
                    }
                };
            }

            @Override
            public String clientName() {
                return http.clientName();
            }

            @Override
            public void close() {
                http.close();
            }
        };
    }
}
