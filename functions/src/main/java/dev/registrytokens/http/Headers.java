package dev.registrytokens.http;

import java.util.Map;

/** Header lookup for every event shape API Gateway sends (requests and authorizer events alike). */
public final class Headers {
    private Headers() {
    }

    /** A header by name in any case: HTTP APIs lower-case header names, other callers may not. Null if absent. */
    public static String get(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }
}
