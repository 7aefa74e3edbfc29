package dev.registrytokens.core;

/**
 * Where a change was asked from, as the audit log records it: the caller's address, user agent and request id. Each is
 * null when unknown (an automatic action has none).
 */
public record RequestOrigin(String sourceIp, String userAgent, String requestId) {
    public static final RequestOrigin NONE = new RequestOrigin(null, null, null);
}
