package dev.registrytokens.core.adapters;

import dev.registrytokens.core.DomainException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * What kind of trouble a dependency call had, for the log: {@code timeout}, {@code connect}, {@code throttle}, or the
 * service's own error code; never the exception's message, which may quote a request.
 */
public final class DependencyFailures {
    private DependencyFailures() {
    }

    /**
     * Added (suppressed) to a call's failure when one of its attempts was throttled: the call was retried until its time
     * ran out, and the timeout that ended it would name the wrong cause.
     */
    public static final class ThrottledAttempt extends Exception {
        public ThrottledAttempt() {
            super("an attempt of this call was throttled", null, false, false);
        }
    }

    /** The dependency failed with {@code failure} (an AWS SDK exception): its kind is kept for the log. */
    public static DomainException.Unavailable unavailable(String dependency, Throwable failure) {
        return DomainException.Unavailable.dependency(dependency, describe(failure));
    }

    /** E.g. {@code timeout (ApiCallTimeoutException)} or {@code error AccessDeniedException (DynamoDbException)}. */
    private static String describe(Throwable failure) {
        return kind(failure) + " (" + failure.getClass().getSimpleName() + ")";
    }

    /**
     * Throttling, then refused connections, win over the timeout: a throttled or unreachable call is retried until its
     * time runs out, and the timeout that ends it would name the wrong cause (what the attempts ran into is added to
     * the failure as suppressed exceptions, by the clients' AttemptFailures).
     */
    private static String kind(Throwable failure) {
        List<Throwable> seen = new ArrayList<>();
        collect(failure, seen);
        if (seen.stream().anyMatch(DependencyFailures::isThrottling)) {
            return "throttle";
        }
        if (seen.stream().anyMatch(cause -> cause instanceof ConnectException || cause instanceof UnknownHostException
                || cause instanceof NoRouteToHostException)) {
            return "connect";
        }
        if (seen.stream().anyMatch(cause -> cause instanceof ApiCallTimeoutException || cause instanceof ApiCallAttemptTimeoutException
                || cause instanceof HttpTimeoutException || cause instanceof InterruptedIOException)) {
            return "timeout";
        }
        return seen.stream().filter(AwsServiceException.class::isInstance).map(AwsServiceException.class::cast)
                .filter(aws -> aws.awsErrorDetails() != null).findFirst()
                .map(aws -> "error " + (aws.awsErrorDetails().errorCode() != null ? aws.awsErrorDetails().errorCode() : "HTTP " + aws.statusCode()))
                .orElse(failure instanceof SdkServiceException ? "error" : "client");
    }

    private static boolean isThrottling(Throwable cause) {
        if (cause instanceof ThrottledAttempt) {
            return true;
        }
        if (cause instanceof SdkServiceException service && (service.isThrottlingException() || service.statusCode() == 429)) {
            return true;
        }
        String code = cause instanceof AwsServiceException aws && aws.awsErrorDetails() != null ? aws.awsErrorDetails().errorCode() : null;
        return code != null && (code.contains("Throttl") || code.contains("LimitExceeded"));
    }

    /** The failure, its causes and their suppressed exceptions, each once. */
    private static void collect(Throwable failure, List<Throwable> seen) {
        for (Throwable cause = failure; cause != null && !seen.contains(cause) && seen.size() < 32; cause = cause.getCause()) {
            seen.add(cause);
            for (Throwable suppressed : cause.getSuppressed()) {
                collect(suppressed, seen);
            }
        }
    }
}
