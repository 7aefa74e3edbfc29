package dev.registrytokens.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** HTTP Basic credentials, as {@code docker login} sends them to the token realm. */
public record BasicCredentials(String username, String secret) {
    private static final int MAX_HEADER_LENGTH = 1024;

    /** Empty for anything that is not well-formed Basic credentials. */
    public static Optional<BasicCredentials> parse(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.length() > MAX_HEADER_LENGTH
                || !authorizationHeader.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorizationHeader.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        return Optional.of(new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
    }

    /** Never prints the secret. */
    @Override
    public String toString() {
        return "BasicCredentials[username=" + username + "]";
    }
}
