package dev.registrytokens.core;

/**
 * A failure the caller can act on: it maps to one HTTP status and a JSON error body.
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

    public static ApiException notFound() {
        return new ApiException(404, "not_found", "No token with that id exists in this account.", null);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "unauthorized", "A valid bearer token is required.", null);
    }

    public static ApiException preconditionFailed() {
        return new ApiException(412, "precondition_failed",
                "The token has changed since the version given in If-Match; read it again and retry.", "If-Match");
    }

    public static ApiException serviceUnavailable(String what) {
        return new ApiException(503, "service_unavailable", what + " is unavailable; nothing was changed. Retry later.", null);
    }

    /** GET /certs.pem before the deployment's certificate issuer has stored the certificate. */
    public static ApiException certificateNotIssued() {
        return new ApiException(503, "service_unavailable",
                "The registry certificate has not been issued yet (the stack's deployment issues it). Retry later.", null);
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
