package dev.registrytokens.testing;

import dev.registrytokens.core.Account;
import java.util.UUID;

/** A fresh account per test, so tests share the table without seeing each other's tokens. */
public record TestAccount(String id, String namespace) {
    public static TestAccount fresh() {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return new TestAccount("user-" + suffix, "ns" + suffix);
    }

    public Account account() {
        return new Account(id, namespace);
    }
}
