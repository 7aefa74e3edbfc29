package dev.registrytokens.registry;

/**
 * The client a login's usage shows: the first product token of its User-Agent header ({@code docker/28.2.2},
 * {@code containerd/2.4.2}, {@code skopeo}), at most {@value #MAX_LENGTH} characters of HTTP token characters and
 * {@code /}. Nothing else of the header is kept, and nothing from any other header.
 */
public final class UserAgents {
    static final int MAX_LENGTH = 64;

    private UserAgents() {
    }

    /** The product, or null when there is no header or it does not start with one. */
    public static String product(String userAgent) {
        if (userAgent == null) {
            return null;
        }
        String trimmed = userAgent.strip();
        int end = 0;
        while (end < trimmed.length() && end < MAX_LENGTH && isProductCharacter(trimmed.charAt(end))) {
            end++;
        }
        String product = trimmed.substring(0, end);
        return product.isEmpty() || product.startsWith("/") ? null : product;
    }

    /** RFC 9110's token characters, and the slash between product and version. */
    private static boolean isProductCharacter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~/".indexOf(c) >= 0;
    }
}
