package dev.registrytokens.http;

import dev.registrytokens.core.DomainException;

/**
 * A failure as HTTP answers it: one status and a JSON error body. Thrown by the request checks of this package
 * and the handlers; {@link #from} is where domain failures get their status.
 * Messages never carry secrets: they are shown to callers and logged.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;

    public ApiException(int status, String code, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public static ApiException badRequest(String code, String message, String field) {
        return new ApiException(400, code, message, field);
    }

    public static ApiException unauthorized() {
        return from(new DomainException.Unauthenticated());
    }

    /** The one mapping of domain failures to HTTP statuses. */
    public static ApiException from(DomainException failure) {
        int status = switch (failure) {
            case DomainException.InvalidInput invalid -> 400;
            case DomainException.Unauthenticated unauthenticated -> 401;
            case DomainException.Forbidden forbidden -> 403;
            case DomainException.NotFound notFound -> 404;
            case DomainException.Conflict conflict -> 409;
            case DomainException.PreconditionFailed stale -> 412;
            case DomainException.Unavailable unavailable -> 503;
        };
        return new ApiException(status, failure.code(), failure.getMessage(), failure.field());
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
