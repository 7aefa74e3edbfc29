package dev.registrytokens.core;

/** Where expiry notices are announced: the template's EventBridge bus ({@code core.adapters.EventBridgeExpiryEvents}). */
public interface ExpiryEvents {
    /** Puts one event (source {@code registry-tokens}); a failing dependency is a {@link DomainException.Unavailable}. */
    void put(ExpiryEvent event);
}
