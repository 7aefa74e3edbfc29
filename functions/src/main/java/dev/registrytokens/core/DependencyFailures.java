package dev.registrytokens.core;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * What kind of trouble a dependency call had, for the log: {@code timeout}, {@code connect}, {@code throttle}, or the
 * service's own error code; never the exception's message, which may quote a request.
 */
final class DependencyFailures {
    private DependencyFailures() {
    }

    /** E.g. {@code timeout (ApiCallTimeoutException)} or {@code error AccessDeniedException (DynamoDbException)}. */
    static String describe(Throwable failure) {
        return kind(failure) + " (" + failure.getClass().getSimpleName() + ")";
    }

    private static String kind(Throwable failure) {
        if (failure instanceof SdkServiceException service && (service.isThrottlingException() || service.statusCode() == 429)) {
            return "throttle";
        }
        if (failure instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
            String code = aws.awsErrorDetails().errorCode();
            if (code != null && (code.contains("Throttl") || code.contains("LimitExceeded") || code.equals("RequestLimitExceeded"))) {
                return "throttle";
            }
            return "error " + code;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiCallTimeoutException || cause instanceof ApiCallAttemptTimeoutException
                    || cause instanceof HttpTimeoutException || cause instanceof InterruptedIOException) {
                return "timeout";
            }
            if (cause instanceof ConnectException || cause instanceof UnknownHostException || cause instanceof NoRouteToHostException) {
                return "connect";
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return failure instanceof SdkServiceException ? "error" : "client";
    }
}
