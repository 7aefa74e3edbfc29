package dev.registrytokens.testing;

import dev.registrytokens.core.Membership;
import dev.registrytokens.core.Role;
import java.util.UUID;

/**
 * A fresh caller per test with a namespace of their own (the JWT's {@code namespace} claim, which makes them its owner),
 * so tests share the table without seeing each other's tokens.
 */
public record TestAccount(String id, String namespace) {
    public static TestAccount fresh() {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return new TestAccount("user-" + suffix, "ns" + suffix);
    }

    /** This caller as the owner of their namespace. */
    public Membership membership() {
        return new Membership(id, namespace, Role.OWNER);
    }
}
