package dev.registrytokens.core;

public enum TokenStatus {
    ENABLED,
    DISABLED
}
