package dev.registrytokens.core;

/** A validated create request; {@code expiresInDays} null means the token never expires. */
public record CreateTokenRequest(String name, Permission permission, Integer expiresInDays, String description) {
}
