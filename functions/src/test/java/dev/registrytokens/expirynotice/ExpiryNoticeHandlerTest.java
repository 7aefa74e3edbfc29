package dev.registrytokens.expirynotice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.core.CreateTokenRequest;
import dev.registrytokens.core.EditTokenRequest;
import dev.registrytokens.core.ExpiryNotices;
import dev.registrytokens.core.MovableClock;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.core.adapters.DynamoDbTokenStore;
import dev.registrytokens.core.adapters.EventBridgeExpiryEvents;
import dev.registrytokens.core.adapters.KmsSecretMacs;
import dev.registrytokens.core.adapters.SchedulerExpirySchedules;
import dev.registrytokens.json.Json;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.IssuedSecrets;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testkit.AwsEmulator;
import dev.registrytokens.testkit.ScheduleFirer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.ScheduleSummary;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Expiry schedules in the emulator, each change made with its own function's role: they follow create, edit, reset and
 * delete; firing the due ones (the testkit's ScheduleFirer, as Scheduler would) through this handler, with its role,
 * puts Token Expiring and Token Expired on the default bus, read back through a rule into an SQS queue.
 */
@Tag("machine")
class ExpiryNoticeHandlerTest {
    private static final AwsEmulator.Stack STACK = AwsEmulator.stack();

    private final MovableClock clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final TestAccount owner = TestAccount.fresh();
    private final ExpiryNoticeHandler handler = new ExpiryNoticeHandler(new ExpiryNotices(
            new DynamoDbTokenStore(STACK.dynamoDbAs("ExpiryNoticeFunction"), STACK.tableName()),
            new EventBridgeExpiryEvents(STACK.eventBridgeAs("ExpiryNoticeFunction"), "default"), clock));
    private final ScheduleFirer firer = new ScheduleFirer(STACK.scheduler(), STACK.expiryScheduleGroup(), (arn, input) -> {
        assertEquals(STACK.expiryNoticeArn(), arn);
        handler.handleRequest(mapOf(input), null);
    });

    /** The token service as the function runs it: its role's table, key and scheduler clients. */
    private TokenService serviceOf(String function) {
        return new TokenService(new DynamoDbTokenStore(STACK.dynamoDbAs(function), STACK.tableName()),
                new KmsSecretMacs(STACK.kmsAs(function), STACK.macKeyId()), clock,
                new SchedulerExpirySchedules(STACK.schedulerAs(function), STACK.expiryScheduleGroup(), STACK.expiryNoticeArn(),
                        STACK.expirySchedulerRoleArn()));
    }

    private TokenView create(String name, int days) {
        TokenView token = serviceOf("CreateTokenFunction").create(owner.membership(), new CreateTokenRequest(name, Permission.PULL, null, days, null));
        IssuedSecrets.remember(token.secret());
        return token;
    }

    private void editExpiry(String id, Integer days) {
        serviceOf("EditTokenFunction").edit(owner.membership(), id, null, new EditTokenRequest(null, false, null, true, days, false, null));
    }

    private static Set<String> schedulesOf(String tokenId) {
        Set<String> names = new TreeSet<>();
        STACK.scheduler().listSchedulesPaginator(request -> request.groupName(STACK.expiryScheduleGroup())).schedules().stream()
                .map(ScheduleSummary::name).filter(name -> name.startsWith(tokenId)).forEach(names::add);
        return names;
    }

    private Set<String> expected(String tokenId, int days) {
        long expiresAt = clock.instant().plus(Duration.ofDays(days)).getEpochSecond();
        return Set.of(tokenId + "-expiring-7d-" + expiresAt, tokenId + "-expiring-1d-" + expiresAt, tokenId + "-expired-" + expiresAt);
    }

    private static Map<String, Object> mapOf(String json) {
        try {
            return Json.MAPPER.readValue(json, new TypeReference<>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void schedulesFollowCreateEditResetAndDelete() {
        TokenView token = create("ci", 30);
        assertEquals(expected(token.id(), 30), schedulesOf(token.id()));
        long expiresAt = clock.instant().plus(Duration.ofDays(30)).getEpochSecond();
        var expired = STACK.scheduler().getSchedule(request -> request.groupName(STACK.expiryScheduleGroup())
                .name(token.id() + "-expired-" + expiresAt));
        assertEquals("at(" + clock.instant().plus(Duration.ofDays(30)).toString().replace("Z", "") + ")", expired.scheduleExpression());
        assertEquals("UTC", expired.scheduleExpressionTimezone());
        assertEquals(ActionAfterCompletion.DELETE, expired.actionAfterCompletion());
        assertEquals(STACK.expiryNoticeArn(), expired.target().arn());
        assertEquals(STACK.expirySchedulerRoleArn(), expired.target().roleArn());
        assertEquals(Map.of("namespace", owner.namespace(), "tokenId", token.id(), "kind", "expired", "expiresAt", expiresAt),
                mapOf(expired.target().input()).entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                        entry -> entry.getValue() instanceof Number number ? (Object) number.longValue() : entry.getValue())));

        editExpiry(token.id(), 60);
        assertEquals(expected(token.id(), 60), schedulesOf(token.id()), "moved");

        STACK.scheduler().deleteSchedule(request -> request.groupName(STACK.expiryScheduleGroup())
                .name(token.id() + "-expiring-7d-" + clock.instant().plus(Duration.ofDays(60)).getEpochSecond()));
        serviceOf("ResetTokenFunction").reset(owner.membership(), token.id(), null, 0);
        assertEquals(expected(token.id(), 60), schedulesOf(token.id()), "a reset keeps the expiry and remakes what is missing");

        editExpiry(token.id(), null);
        assertEquals(Set.of(), schedulesOf(token.id()), "never expires: no schedule");
        editExpiry(token.id(), 3);
        assertEquals(Set.of(token.id() + "-expiring-1d-" + clock.instant().plus(Duration.ofDays(3)).getEpochSecond(),
                token.id() + "-expired-" + clock.instant().plus(Duration.ofDays(3)).getEpochSecond()), schedulesOf(token.id()),
                "the 7-day warning's time has passed: no schedule for it");

        serviceOf("DeleteTokenFunction").delete(owner.membership(), token.id(), null);
        assertEquals(Set.of(), schedulesOf(token.id()), "deleted");
    }

    @Test
    void firingDueSchedulesPutsTokenExpiringAt7And1DaysThenTokenExpiredOnTheBus() {
        TokenView token = create("deploy", 30);
        String queueUrl = queueForEventsOf(token.id());
        Instant created = clock.instant();

        List<JsonNode> events = new ArrayList<>();
        for (int day : new int[] {23, 29, 30}) {
            clock.advance(Duration.between(clock.instant(), created.plus(Duration.ofDays(day))));
            assertEquals(1, firer.fireDue(clock.instant(), token.id()).size(), "one schedule due on day " + day);
            events.addAll(receive(queueUrl, 1));
        }
        assertEquals(List.of("Token Expiring", "Token Expiring", "Token Expired"), events.stream().map(e -> e.path("detail-type").asText()).toList());
        assertEquals(List.of(7L, 1L, 0L), events.stream().map(e -> e.at("/detail/daysLeft").asLong()).toList());
        JsonNode detail = events.getFirst().path("detail");
        assertEquals("registry-tokens", events.getFirst().path("source").asText());
        assertEquals(List.of(token.id(), "deploy", owner.namespace(), token.username(), created.plus(Duration.ofDays(30)).toString()),
                List.of(detail.path("tokenId").asText(), detail.path("name").asText(), detail.path("namespace").asText(),
                        detail.path("username").asText(), detail.path("expiresAt").asText()));
        assertEquals(Set.of(), schedulesOf(token.id()), "each fired schedule deleted itself (ActionAfterCompletion DELETE)");
        assertTrue(events.stream().noneMatch(event -> event.toString().contains(token.secret())), "no secret in an event");
    }

    @Test
    void aScheduleLeftOfAMovedExpirySendsNothing() {
        TokenView token = create("moved", 30);
        String queueUrl = queueForEventsOf(token.id());
        Map<String, Object> stale = Map.of("namespace", owner.namespace(), "tokenId", token.id(), "kind", "expiring-7d",
                "expiresAt", clock.instant().plus(Duration.ofDays(30)).getEpochSecond());
        editExpiry(token.id(), 90);
        assertEquals(false, handler.handleRequest(stale, null).get("sent"));
        assertEquals(List.of(), receive(queueUrl, 0));
    }

    @Test
    void theEventFilesNoticeOfATokenThatDoesNotExistSendsNothing() {
        Map<String, Object> result = handler.handleRequest(ApiCall.load("expiry-notice.json", Map.class), null);
        assertEquals(Map.of("tokenId", "01jzqkxv7m3f4d5e6g7h8j9k0m", "kind", "expiring-7d", "sent", false,
                "reason", "token_gone_or_expiry_moved"), result);
        assertEquals(Map.of("sent", false, "reason", "not_a_notice"), handler.handleRequest(Map.of("kind", "soon"), null));
    }

    /** An SQS queue that an EventBridge rule on the default bus fills with this token's registry-tokens events. */
    private static String queueForEventsOf(String tokenId) {
        String queueUrl = STACK.sqs().createQueue(request -> request.queueName("expiry-" + tokenId)).queueUrl();
        String queueArn = STACK.sqs().getQueueAttributes(request -> request.queueUrl(queueUrl).attributeNamesWithStrings("QueueArn"))
                .attributesAsStrings().get("QueueArn");
        String rule = "expiry-" + tokenId;
        STACK.eventBridge().putRule(request -> request.name(rule)
                .eventPattern("{\"source\":[\"registry-tokens\"],\"detail\":{\"tokenId\":[\"" + tokenId + "\"]}}"));
        STACK.eventBridge().putTargets(request -> request.rule(rule).targets(target -> target.id("queue").arn(queueArn)));
        return queueUrl;
    }

    private static List<JsonNode> receive(String queueUrl, int expected) {
        List<JsonNode> events = new ArrayList<>();
        for (Message message : STACK.sqs().receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(10)).messages()) {
            try {
                events.add(Json.MAPPER.readTree(message.body()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            STACK.sqs().deleteMessage(request -> request.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        }
        assertEquals(expected, events.size(), "events received");
        assertTrue(events.stream().allMatch(event -> event.path("source").asText().equals("registry-tokens")));
        return events;
    }
}
