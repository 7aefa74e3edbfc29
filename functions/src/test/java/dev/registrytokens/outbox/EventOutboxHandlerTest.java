package dev.registrytokens.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.AuditLog;
import dev.registrytokens.core.AuditRecord;
import dev.registrytokens.core.CreateTokenRequest;
import dev.registrytokens.core.EditTokenRequest;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenStatus;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.core.adapters.DynamoDbAuditStore;
import dev.registrytokens.core.adapters.EventBridgeAuditEvents;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.EventQueue;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestStack;
import dev.registrytokens.testkit.AwsEmulator;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The outbox drainer, with the EventOutboxFunction's own role, against the emulator's table and default bus: a rule
 * sends every registry-tokens event to an SQS queue, from which the test reads them back.
 */
@Tag("machine")
class EventOutboxHandlerTest {
    private final AwsEmulator.Stack stack = AwsEmulator.stack();
    private final TestAccount owner = TestAccount.fresh();
    private final TokenService tokens = TestStack.tokenService();

    /** The drainer as the function wires it, through its role's sessions, putting events on {@code endpoint}'s bus. */
    private EventOutboxHandler drainer(URI endpoint) {
        return new EventOutboxHandler(new AuditLog(new DynamoDbAuditStore(stack.dynamoDbAs("EventOutboxFunction"), stack.tableName()),
                new EventBridgeAuditEvents(EventQueue.eventBridge(endpoint, stack.roleOf("EventOutboxFunction")), EventQueue.BUS,
                        AwsClients::eventDetail), Clock.systemUTC()));
    }

    @Test
    void everyChangesEventArrivesExactlyOnceByIdAfterTheBusWasDown() {
        try (EventQueue queue = new EventQueue()) {
            var member = owner.membership();
            TokenView token = tokens.create(member, new CreateTokenRequest("ci", Permission.PULL, null, 30, null));
            tokens.edit(member, token.id(), null, new EditTokenRequest(Permission.PULL_PUSH, false, null, false, null, true, "pushes"));
            tokens.reset(member, token.id(), null, 0);
            tokens.setStatus(member, token.id(), null, TokenStatus.DISABLED);
            tokens.setStatus(member, token.id(), null, TokenStatus.ENABLED);
            tokens.delete(member, token.id(), null);
            List<AuditRecord> changes = new DynamoDbAuditStore(TestStack.dynamoDb(), stack.tableName())
                    .listAudit(owner.namespace(), 10, null, null).reversed();
            assertEquals(6, changes.size());

            // The bus is unreachable: nothing is published, nothing is lost.
            Map<String, Object> down = drainer(URI.create("http://127.0.0.1:" + AwsEmulator.freePort())).handleRequest(
                    ApiCall.load("event-outbox.json", Map.class), null);
            assertEquals(0, down.get("published"));
            assertTrue(String.valueOf(down.get("cause")).startsWith("The event bus: connect"), down.toString());

            Map<String, Object> up = drainer(stack.endpoint()).handleRequest(ApiCall.load("event-outbox.json", Map.class), null);
            assertEquals(0, up.get("failed"), up.toString());
            assertTrue((int) up.get("published") >= 6, up.toString());
            assertEquals(0, drainer(stack.endpoint()).handleRequest(ApiCall.load("event-outbox.json", Map.class), null).get("published"),
                    "the outbox is empty once published");

            Map<String, List<JsonNode>> byId = new HashMap<>();
            for (JsonNode event : queue.received()) {
                if (event.at("/detail/namespace").asText().equals(owner.namespace())) {
                    byId.computeIfAbsent(event.at("/detail/eventId").asText(), id -> new ArrayList<>()).add(event);
                }
            }
            assertEquals(changes.stream().map(AuditRecord::id).sorted().toList(), byId.keySet().stream().sorted().toList(),
                    "one event per change, no other");
            List<String> detailTypes = List.of("Token Created", "Token Updated", "Token Reset", "Token Disabled", "Token Enabled", "Token Deleted");
            for (int i = 0; i < changes.size(); i++) {
                List<JsonNode> events = byId.get(changes.get(i).id());
                assertEquals(1, events.size(), "exactly once: " + changes.get(i).id());
                JsonNode event = events.getFirst();
                assertEquals("registry-tokens", event.get("source").asText());
                assertEquals(detailTypes.get(i), event.get("detail-type").asText());
                assertEquals(token.id(), event.at("/detail/tokenId").asText());
                assertEquals("ci", event.at("/detail/tokenName").asText());
                assertEquals(owner.id(), event.at("/detail/actor/sub").asText());
                assertEquals(Instant.parse(changes.get(i).at().toString()).toString(), event.at("/detail/at").asText());
            }
            JsonNode edit = byId.get(changes.get(1).id()).getFirst().at("/detail/changes");
            assertEquals("[{\"field\":\"permission\",\"before\":\"PULL\",\"after\":\"PULL_PUSH\"},"
                    + "{\"field\":\"description\",\"before\":null,\"after\":\"pushes\"}]", edit.toString());
        }
    }
}
