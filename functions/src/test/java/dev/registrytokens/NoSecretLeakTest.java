package dev.registrytokens;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.AuditLog;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.core.adapters.DynamoDbAuditStore;
import dev.registrytokens.core.adapters.EventBridgeAuditEvents;
import dev.registrytokens.testing.CapturedOutput;
import dev.registrytokens.testing.EventQueue;
import dev.registrytokens.testing.IssuedSecrets;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestStack;
import dev.registrytokens.testkit.AwsEmulator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Runs last (see junit-platform.properties): no secret issued during the suite, nor an Authorization header, was stored
 * or logged, and no secret or MAC is in an audit item, an outbox entry or an event.
 */
@Order(Integer.MAX_VALUE)
@Tag("machine")
class NoSecretLeakTest {
    @Test
    void noIssuedSecretAppearsInAnyTableItemOrLogLine() {
        TestStack.createToken(TestAccount.fresh(), "leak-probe", Permission.PULL, 1);
        List<String> secrets = IssuedSecrets.all();
        assertFalse(secrets.isEmpty());
        System.out.println("checking " + secrets.size() + " issued secrets against the table and the logs");

        StringBuilder everythingStored = new StringBuilder();
        TestStack.dynamoDb().scanPaginator(scan -> scan.tableName(AwsEmulator.stack().tableName()))
                .items().forEach(item -> append(everythingStored, item));
        assertTrue(everythingStored.indexOf("USERNAME#") >= 0, "the scan saw the login records");
        assertTrue(everythingStored.indexOf("AUDIT#") >= 0, "the scan saw the audit items");
        String logs = CapturedOutput.text();
        // Whatever ran before (the whole suite, or only this test) wrote through the captured streams.
        assertTrue(logs.contains("checking " + secrets.size() + " issued secrets"), "the output was captured");

        assertFalse(everythingStored.indexOf("Basic ") >= 0, "an Authorization header is stored in the table");
        for (String secret : secrets) {
            assertFalse(everythingStored.indexOf(secret) >= 0, "a secret is stored in the table");
            assertFalse(logs.contains(secret), "a secret appears in the logs");
        }
    }

    @Test
    void noIssuedSecretAppearsInAnyExpirySchedule() {
        var stack = AwsEmulator.stack();
        StringBuilder schedules = new StringBuilder();
        stack.scheduler().listSchedulesPaginator(list -> list.groupName(stack.expiryScheduleGroup())).schedules().forEach(summary ->
                schedules.append(stack.scheduler().getSchedule(get -> get.groupName(stack.expiryScheduleGroup()).name(summary.name())))
                        .append('\n'));
        for (String secret : IssuedSecrets.all()) {
            assertFalse(schedules.indexOf(secret) >= 0, "a secret is in an expiry schedule");
        }
    }

    private static void append(StringBuilder out, Map<String, AttributeValue> item) {
        item.forEach((name, value) -> {
            out.append(name).append('=');
            if (value.s() != null) {
                out.append(value.s());
            } else if (value.b() != null) {
                out.append(new String(value.b().asByteArray(), StandardCharsets.ISO_8859_1));
            } else {
                out.append(value);
            }
            out.append('\n');
        });
    }

    @Test
    void noSecretOrMacIsInAnAuditItemOutboxEntryOrEvent() {
        var stack = AwsEmulator.stack();
        try (EventQueue queue = new EventQueue()) {
            TestAccount owner = TestAccount.fresh();
            TokenView token = TestStack.createToken(owner, "audit-probe", Permission.PULL, 1);
            IssuedSecrets.remember(TestStack.tokenService().reset(owner.membership(), token.id(), null, 0).secret());
            List<String> secrets = IssuedSecrets.all();

            List<String> macs = new ArrayList<>();
            StringBuilder audit = new StringBuilder();
            TestStack.dynamoDb().scanPaginator(scan -> scan.tableName(stack.tableName())).items().forEach(item -> {
                if (item.containsKey("mac")) {
                    byte[] mac = item.get("mac").b().asByteArray();
                    macs.add(Base64.getEncoder().encodeToString(mac));
                    macs.add(HexFormat.of().formatHex(mac));
                }
                if (item.get("sk").s().startsWith("AUDIT#") || item.get("pk").s().equals("EVENT-OUTBOX")) {
                    assertFalse(item.containsKey("mac") || item.containsKey("secret"), "an audit item or outbox entry holds a MAC: " + item.keySet());
                    append(audit, item);
                }
            });
            assertTrue(audit.indexOf("audit-probe") >= 0, "the scan saw the probe's audit items");

            new AuditLog(new DynamoDbAuditStore(TestStack.dynamoDb(), stack.tableName()),
                    new EventBridgeAuditEvents(EventQueue.eventBridge(stack.endpoint(), stack.roleOf("EventOutboxFunction")), EventQueue.BUS,
                            AwsClients::eventDetail), Clock.systemUTC()).publishPending(Duration.ofSeconds(60));

            StringBuilder events = new StringBuilder();
            for (JsonNode event : queue.received()) {
                events.append(event).append('\n');
            }
            assertTrue(events.indexOf("audit-probe") >= 0, "the queue saw the probe's events");
            for (String secret : secrets) {
                assertFalse(audit.indexOf(secret) >= 0, "a secret is in an audit item or outbox entry");
                assertFalse(events.indexOf(secret) >= 0, "a secret is in an event");
            }
            for (String mac : macs) {
                assertFalse(audit.indexOf(mac) >= 0, "a MAC is in an audit item or outbox entry");
                assertFalse(events.indexOf(mac) >= 0, "a MAC is in an event");
            }
        }
    }
}
