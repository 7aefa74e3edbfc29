package dev.registrytokens.core;

import java.util.Locale;

/** What a change did to a token, as the audit log names it, and the EventBridge detail-type of its event. */
public enum AuditAction {
    CREATE("Token Created"),
    EDIT("Token Updated"),
    RESET("Token Reset"),
    ENABLE("Token Enabled"),
    DISABLE("Token Disabled"),
    DELETE("Token Deleted"),
    /** The service disabled the token because its secret was reported leaked. */
    LEAK_REPORTED("Token Leaked"),
    /** The layout migration moved the token from its creator's account to its namespace. */
    MIGRATE("Token Migrated");

    private final String detailType;

    AuditAction(String detailType) {
        this.detailType = detailType;
    }

    /** The lowercase name the audit log and the API use: create, edit, reset, enable, disable, delete,
     * leak_reported, migrate. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String detailType() {
        return detailType;
    }

    public static AuditAction ofLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
