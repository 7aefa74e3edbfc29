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
import dev.registrytokens.json.Json;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestStack;
import dev.registrytokens.testkit.AwsEmulator;
import dev.registrytokens.testkit.EmulatorIam;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The outbox drainer, with the EventOutboxFunction's own role, against the emulator's table and default bus: a rule
 * sends every registry-tokens event to an SQS queue, from which the test reads them back.
 */
@Tag("machine")
class EventOutboxHandlerTest {
    private static final String BUS = "default";
    private final AwsEmulator.Stack stack = AwsEmulator.stack();
    private final TestAccount owner = TestAccount.fresh();
    private final TokenService tokens = TestStack.tokenService();

    private AwsCredentialsProvider admin() {
        return StaticCredentialsProvider.create(EmulatorIam.admin(stack.physicalIds()));
    }

    private EventBridgeClient eventBridge(URI endpoint, AwsCredentialsProvider credentials) {
        return EventBridgeClient.builder().endpointOverride(endpoint).region(AwsEmulator.REGION).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(config -> config.apiCallTimeout(Duration.ofSeconds(5))).build();
    }

    /** The drainer as the function wires it, through its role's sessions, putting events on {@code endpoint}'s bus. */
    private EventOutboxHandler drainer(URI endpoint) {
        return new EventOutboxHandler(new AuditLog(new DynamoDbAuditStore(stack.dynamoDbAs("EventOutboxFunction"), stack.tableName()),
                new EventBridgeAuditEvents(eventBridge(endpoint, stack.roleOf("EventOutboxFunction")), BUS, AwsClients::eventDetail),
                Clock.systemUTC()));
    }

    /** A queue that receives every registry-tokens event of the bus, through a rule. */
    private String subscribedQueue(SqsClient sqs) {
        String name = "audit-events-" + UUID.randomUUID().toString().substring(0, 8);
        String url = sqs.createQueue(queue -> queue.queueName(name)).queueUrl();
        String arn = sqs.getQueueAttributes(get -> get.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        try (EventBridgeClient events = eventBridge(stack.endpoint(), admin())) {
            events.putRule(rule -> rule.name(name).eventBusName(BUS).eventPattern("{\"source\":[\"" + EventBridgeAuditEvents.SOURCE + "\"]}"));
            events.putTargets(targets -> targets.rule(name).eventBusName(BUS).targets(Target.builder().id("queue").arn(arn).build()));
        }
        return url;
    }

    /** Every event the queue holds, as parsed JSON. */
    private static List<JsonNode> drain(SqsClient sqs, String url) throws Exception {
        List<JsonNode> received = new ArrayList<>();
        for (int empty = 0; empty < 2; ) {
            List<Message> messages = sqs.receiveMessage(receive -> receive.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            if (messages.isEmpty()) {
                empty++;
            }
            for (Message message : messages) {
                received.add(Json.MAPPER.readTree(message.body()));
                sqs.deleteMessage(delete -> delete.queueUrl(url).receiptHandle(message.receiptHandle()));
            }
        }
        return received;
    }

    @Test
    void everyChangesEventArrivesExactlyOnceByIdAfterTheBusWasDown() throws Exception {
        try (SqsClient sqs = SqsClient.builder().endpointOverride(stack.endpoint()).region(AwsEmulator.REGION).credentialsProvider(admin())
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            String queue = subscribedQueue(sqs);
            var member = owner.membership();
            TokenView token = tokens.create(member, new CreateTokenRequest("ci", Permission.PULL, null, 30, null));
            tokens.edit(member, token.id(), null, new EditTokenRequest(Permission.PULL_PUSH, false, null, false, null, true, "pushes"));
            tokens.reset(member, token.id(), null);
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
            for (JsonNode event : drain(sqs, queue)) {
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
