package dev.registrytokens.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The audit log and its outbox, over the in-memory table: every change writes one record with it, or none. */
class AuditLogTest {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final RequestOrigin ORIGIN = new RequestOrigin("203.0.113.7", "curl/8.5.0", "req-1");

    private final InMemoryTable table = new InMemoryTable();
    private final MovableClock clock = new MovableClock(START);
    private final TokenService tokens = new TokenService(table, new InMemorySecretMacs(), clock, Duration.ofDays(30));
    private final FlakyBus bus = new FlakyBus();
    private final AuditLog audit = new AuditLog(table, bus, clock);
    private final Membership owner = new Membership("alice", "team", Role.OWNER, ORIGIN);
    private final Membership viewer = new Membership("carol", "team", Role.VIEWER);

    /** A bus that refuses every event while down, and remembers every event id it accepted, in order. */
    private static final class FlakyBus implements AuditEvents {
        final List<String> received = new ArrayList<>();
        boolean down;
        Set<String> refusedOnce = new HashSet<>();

        @Override
        public Set<String> publish(List<AuditRecord> records) {
            if (down) {
                throw DomainException.Unavailable.dependency("The event bus", "connect");
            }
            Set<String> accepted = new HashSet<>();
            for (AuditRecord record : records) {
                if (!refusedOnce.remove(record.id())) {
                    received.add(record.id());
                    accepted.add(record.id());
                }
            }
            return accepted;
        }
    }

    private TokenView create(String name) {
        return tokens.create(owner, new CreateTokenRequest(name, Permission.PULL, null, 30, "first"));
    }

    private AuditRecord onlyNewRecord(int before) {
        List<AuditRecord> records = table.auditRecords();
        assertEquals(before + 1, records.size(), "exactly one audit record per change");
        return records.getLast();
    }

    @Test
    void everyActionWritesOneRecordWithItsActorOriginAndDiff() {
        TokenView token = create("ci");
        AuditRecord created = onlyNewRecord(0);
        assertEquals(AuditAction.CREATE, created.action());
        assertEquals(token.id(), created.tokenId());
        assertEquals("ci", created.tokenName());
        assertEquals("team+ci", created.username());
        assertEquals("alice", created.actorSubject());
        assertEquals(Role.OWNER, created.actorRole());
        assertEquals(ORIGIN, new RequestOrigin(created.sourceIp(), created.userAgent(), created.requestId()));
        assertEquals(START, created.at());
        assertEquals(START.plus(Duration.ofDays(30)).getEpochSecond(), created.expiresAt(), "kept for the audit retention");
        assertEquals(List.of(new FieldChange("permission", null, "PULL"), new FieldChange("status", null, "ENABLED"),
                new FieldChange("expiresAt", null, START.plus(Duration.ofDays(30)).toString()),
                new FieldChange("description", null, "first")), created.changes());

        clock.advance(Duration.ofSeconds(1));
        tokens.edit(owner, token.id(), null, new EditTokenRequest(Permission.PULL_PUSH, true,
                List.of(new RepositoryRule("app/*", Permission.PULL)), false, null, true, null));
        AuditRecord edited = onlyNewRecord(1);
        assertEquals(AuditAction.EDIT, edited.action());
        assertEquals(List.of(new FieldChange("permission", "PULL", "PULL_PUSH"),
                new FieldChange("repositories", null, List.of(Map.of("pattern", "app/*", "permission", "PULL"))),
                new FieldChange("description", "first", null)), edited.changes(), "only the changed fields, before and after");

        clock.advance(Duration.ofMillis(1));
        tokens.reset(owner, token.id(), null, 0);
        AuditRecord reset = onlyNewRecord(2);
        assertEquals(AuditAction.RESET, reset.action());
        assertEquals(List.of(), reset.changes(), "a reset changes no field it could show: never the secret or its MAC");

        clock.advance(Duration.ofMillis(1));
        tokens.setStatus(owner, token.id(), null, TokenStatus.DISABLED);
        assertEquals(List.of(new FieldChange("status", "ENABLED", "DISABLED")), onlyNewRecord(3).changes());
        assertEquals(AuditAction.DISABLE, onlyNewRecord(3).action());
        tokens.setStatus(owner, token.id(), null, TokenStatus.DISABLED);
        assertEquals(4, table.auditRecords().size(), "asking for the state it is in changes nothing, so audits nothing");
        clock.advance(Duration.ofMillis(1));
        tokens.setStatus(owner, token.id(), null, TokenStatus.ENABLED);
        assertEquals(AuditAction.ENABLE, onlyNewRecord(4).action());

        clock.advance(Duration.ofMillis(1));
        tokens.delete(owner, token.id(), null);
        AuditRecord deleted = onlyNewRecord(5);
        assertEquals(AuditAction.DELETE, deleted.action());
        assertEquals(token.id(), deleted.tokenId());
    }

    @Test
    void aChangeThatFailsItsConditionWritesNoRecord() {
        TokenView token = create("ci");
        assertThrows(DomainException.Conflict.class, () -> create("ci"));
        assertThrows(DomainException.PreconditionFailed.class, () -> tokens.setStatus(owner, token.id(), 7L, TokenStatus.DISABLED));
        assertThrows(DomainException.PreconditionFailed.class, () -> tokens.delete(owner, token.id(), 7L));
        assertThrows(DomainException.Forbidden.class, () -> tokens.delete(viewer, token.id(), null));
        assertEquals(1, table.auditRecords().size(), "only the create");
    }

    @Test
    void aFailingAuditWriteLeavesTheTokenUnchanged() {
        TokenView token = create("ci");
        table.failNextAuditWrite();
        assertThrows(DomainException.Unavailable.class, () -> tokens.setStatus(owner, token.id(), null, TokenStatus.DISABLED));
        assertEquals(TokenStatus.ENABLED, tokens.get(owner, token.id()).status());
        assertEquals(1, tokens.get(owner, token.id()).version());
        table.failNextAuditWrite();
        assertThrows(DomainException.Unavailable.class, () -> tokens.delete(owner, token.id(), null));
        assertTrue(table.findToken("team", token.id()).isPresent());
        table.failNextAuditWrite();
        assertThrows(DomainException.Unavailable.class, () -> create("other"));
        assertTrue(table.findLogin("team+other").isEmpty());
        assertEquals(1, table.auditRecords().size());
    }

    @Test
    void automaticActionsAreAuditedAsTheSystem() {
        TokenView token = create("ci");
        clock.advance(Duration.ofMillis(1));
        tokens.setStatus(Membership.system("team"), token.id(), null, TokenStatus.DISABLED);
        AuditRecord record = onlyNewRecord(1);
        assertEquals("system", record.actorSubject());
        assertNull(record.sourceIp());
    }

    @Test
    void everyMemberListsTheLogNewestFirstInPagesAndByToken() {
        TokenView first = create("first");
        clock.advance(Duration.ofSeconds(1));
        TokenView second = create("second");
        clock.advance(Duration.ofSeconds(1));
        tokens.setStatus(owner, first.id(), null, TokenStatus.DISABLED);

        AuditPage page = audit.list(viewer, 2, null, null);
        assertEquals(List.of("disable", "create"), page.items().stream().map(AuditEntry::action).toList());
        assertEquals(second.id(), page.items().get(1).tokenId());
        AuditPage last = audit.list(viewer, 2, page.nextCursor(), null);
        assertEquals(List.of(first.id()), last.items().stream().map(AuditEntry::tokenId).toList());
        assertNull(last.nextCursor(), "the last page hands out no cursor");
        assertEquals(List.of("disable", "create"), audit.list(viewer, 10, null, first.id()).items().stream().map(AuditEntry::action).toList());
        AuditEntry.Actor actor = page.items().getFirst().actor();
        assertEquals(new AuditEntry.Actor("alice", "owner", "203.0.113.7", "curl/8.5.0", "req-1"), actor);
        assertEquals("invalid_value", assertThrows(DomainException.InvalidInput.class, () -> audit.list(viewer, 0, null, null)).code());
        assertEquals("tokenId", assertThrows(DomainException.InvalidInput.class, () -> audit.list(viewer, 1, null, "nope")).field());
    }

    @Test
    void everyEventIsPublishedOnceByIdAfterTheBusRecovers() {
        bus.down = true;
        for (int i = 0; i < 12; i++) {
            create("t" + i);
            clock.advance(Duration.ofMillis(1));
        }
        assertThrows(DomainException.Unavailable.class, () -> audit.publishPending(Duration.ofSeconds(1)));
        assertEquals(12, table.pendingEvents(100).size(), "nothing lost while the bus is down");

        bus.down = false;
        String refused = table.auditRecords().get(3).id();
        bus.refusedOnce.add(refused);
        AuditLog.Drained first = audit.publishPending(Duration.ofSeconds(1));
        assertEquals(new AuditLog.Drained(9, 1), first, "the first batch's refused entry waits; the rest of that batch is out");
        AuditLog.Drained second = audit.publishPending(Duration.ofSeconds(1));
        assertEquals(new AuditLog.Drained(3, 0), second);
        assertEquals(table.auditRecords().stream().map(AuditRecord::id).sorted().toList(), bus.received.stream().sorted().toList(),
                "every change's event, each once");
        assertEquals(new AuditLog.Drained(0, 0), audit.publishPending(Duration.ofSeconds(1)));
    }
}
