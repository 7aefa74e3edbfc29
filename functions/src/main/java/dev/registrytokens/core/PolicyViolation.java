package dev.registrytokens.core;

/** One rule of its namespace's policy that an existing token breaks: which token, which field, and how. */
public record PolicyViolation(String tokenId, String name, String field, String message) {
    static PolicyViolation of(TokenRecord token, String field, String message) {
        return new PolicyViolation(token.id(), token.name(), field, message);
    }
}
