package dev.registrytokens.core;

import java.util.List;

/** One page of the audit log, newest first; {@code nextCursor} is null on the last page. */
public record AuditPage(List<AuditEntry> items, String nextCursor) {
}
