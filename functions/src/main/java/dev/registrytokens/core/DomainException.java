package dev.registrytokens.core;

/**
 * A failure the caller can act on, said in the domain's terms: a stable code, a message and, where one field is
 * to blame, its name. The {@code http} package alone decides which status each kind is answered with.
 * Messages never carry secrets: they are shown to callers and logged.
 */
public abstract sealed class DomainException extends RuntimeException {
    private final String code;
    private final String field;

    private DomainException(String code, String message, String field) {
        super(message, null, false, false);
        this.code = code;
        this.field = field;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }

    /** No such token in the namespace, or no such namespace among the caller's (whether it exists is not said). */
    public static final class NotFound extends DomainException {
        public NotFound() {
            this("No token with that id exists in this namespace.");
        }

        private NotFound(String message) {
            super("not_found", message, null);
        }

        public static NotFound namespace() {
            return new NotFound("You are not a member of a namespace of that name.");
        }
    }

    /** The request clashes with the token's state: its name is taken, it expired, or it kept changing. */
    public static final class Conflict extends DomainException {
        public Conflict(String code, String message, String field) {
            super(code, message, field);
        }
    }

    /** The version the caller pinned (If-Match) is no longer the token's. */
    public static final class PreconditionFailed extends DomainException {
        public PreconditionFailed() {
            super("precondition_failed", "The token has changed since the version given in If-Match; read it again and retry.", "If-Match");
        }
    }

    /** A value the caller sent breaks a rule. */
    public static final class InvalidInput extends DomainException {
        public InvalidInput(String code, String message, String field) {
            super(code, message, field);
        }
    }

    /** The caller is not identified. */
    public static final class Unauthenticated extends DomainException {
        public Unauthenticated() {
            super("unauthorized", "A valid bearer token is required.", null);
        }
    }

    /** The caller is identified but may not use the service as it is. */
    public static final class Forbidden extends DomainException {
        public Forbidden(String code, String message, String field) {
            super(code, message, field);
        }
    }

    /** A dependency failed, timed out or throttled before anything was changed: the same request may be retried. */
    public static final class Unavailable extends DomainException {
        private final String diagnosis;

        public Unavailable(String message) {
            super("service_unavailable", message, null);
            this.diagnosis = message;
        }

        private Unavailable(String dependency, String cause) {
            super("service_unavailable", dependency + " is unavailable; nothing was changed. Retry later.", null);
            this.diagnosis = dependency + ": " + cause;
        }

        /**
         * The dependency failed in a way named by {@code cause}, such as {@code throttle (unprocessed keys)}; an AWS SDK
         * exception is described by the adapters' {@code DependencyFailures}.
         */
        public static Unavailable dependency(String what, String cause) {
            return new Unavailable(what, cause);
        }

        /** For the log, never the client: the dependency and what kind of trouble it had. */
        public String diagnosis() {
            return diagnosis;
        }
    }
}
