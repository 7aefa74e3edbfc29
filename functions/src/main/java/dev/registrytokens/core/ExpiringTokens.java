package dev.registrytokens.core;

import java.util.List;

/** Every token that has an expiry, for the hourly reconcile of the expiry schedules ({@code core.adapters.DynamoDbExpiringTokens}). */
public interface ExpiringTokens {
    /** Each with its namespace, id and expiry only: the other fields are not read. */
    List<TokenRecord> all();
}
