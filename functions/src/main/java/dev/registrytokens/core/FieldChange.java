package dev.registrytokens.core;

/**
 * One field a change set, with its value before and after as the API shows it: a string (permission, status, an ISO
 * instant for expiresAt, the description), a list of {@code {pattern, permission}} maps (repositories), or null.
 */
public record FieldChange(String field, Object before, Object after) {
}
