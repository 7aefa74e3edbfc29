package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.registrytokens.testkit.AwsEmulator;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;
import software.amazon.awssdk.services.scheduler.model.ScheduleSummary;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The local stack's expiry notices: a create through the local API (its function in its local runtime, with its role)
 * makes the token's schedules, and the local API's own firer fires a due schedule into the notice function's local
 * runtime, whose event arrives on the default bus (read through a rule into an SQS queue) and whose schedule is gone.
 */
@Tag("machine")
class ExpiryNoticesEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final AwsEmulator.Stack STACK = AwsEmulator.stack();
    private static LocalApiProcess api;

    @BeforeAll
    static void startApi() throws Exception {
        api = LocalApiProcess.start(Map.of());
    }

    @AfterAll
    static void stopApi() {
        api.close();
    }

    private static Set<String> schedulesOf(String tokenId) {
        Set<String> names = new TreeSet<>();
        STACK.scheduler().listSchedulesPaginator(request -> request.groupName(STACK.expiryScheduleGroup())).schedules().stream()
                .map(ScheduleSummary::name).filter(name -> name.startsWith(tokenId)).forEach(names::add);
        return names;
    }

    @Test
    void aCreatedTokensSchedulesExistAndTheLocalFirerSendsADueNoticeToTheBus() throws Exception {
        String namespace = "expiry-" + UUID.randomUUID().toString().substring(0, 8);
        LocalApiProcess.Answer created = api.call("POST", "/tokens", api.bearerFor("owner-" + namespace, namespace),
                "{\"name\":\"ci\",\"permission\":\"PULL\",\"expiresInDays\":30}");
        assertEquals(201, created.status(), () -> created.body().toString());
        String id = created.body().get("id").asText();
        long expiresAt = Instant.parse(created.body().get("expiresAt").asText()).getEpochSecond();
        assertEquals(Set.of(id + "-expiring-7d-" + expiresAt, id + "-expiring-1d-" + expiresAt, id + "-expired-" + expiresAt), schedulesOf(id));

        String queueUrl = STACK.sqs().createQueue(request -> request.queueName("local-expiry-" + id)).queueUrl();
        String queueArn = STACK.sqs().getQueueAttributes(request -> request.queueUrl(queueUrl).attributeNamesWithStrings("QueueArn"))
                .attributesAsStrings().get("QueueArn");
        STACK.eventBridge().putRule(request -> request.name("local-expiry-" + id)
                .eventPattern("{\"source\":[\"registry-tokens\"],\"detail\":{\"tokenId\":[\"" + id + "\"]}}"));
        STACK.eventBridge().putTargets(request -> request.rule("local-expiry-" + id).targets(target -> target.id("queue").arn(queueArn)));

        // A notice of the token's expiry that is due now, as its 7-day warning will be in 23 days.
        String due = id + "-due-now";
        STACK.scheduler().createSchedule(request -> request.groupName(STACK.expiryScheduleGroup()).name(due)
                .scheduleExpression("at(" + AT.format(Instant.now().minusSeconds(1)) + ")").scheduleExpressionTimezone("UTC")
                .flexibleTimeWindow(window -> window.mode(FlexibleTimeWindowMode.OFF)).actionAfterCompletion(ActionAfterCompletion.DELETE)
                .target(target -> target.arn(STACK.expiryNoticeArn()).roleArn(STACK.expirySchedulerRoleArn())
                        .input("{\"namespace\":\"" + namespace + "\",\"tokenId\":\"" + id + "\",\"kind\":\"expiring-7d\",\"expiresAt\":" + expiresAt + "}")));

        JsonNode event = null;
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (event == null && Instant.now().isBefore(deadline)) {
            for (Message message : STACK.sqs().receiveMessage(request -> request.queueUrl(queueUrl).waitTimeSeconds(1)).messages()) {
                event = JSON.readTree(message.body());
            }
        }
        assertTrue(event != null, "no event arrived within 90 s");
        assertEquals("Token Expiring", event.path("detail-type").asText());
        assertEquals(java.util.List.of(id, "ci", namespace, 30L), java.util.List.of(event.at("/detail/tokenId").asText(), event.at("/detail/name").asText(),
                event.at("/detail/namespace").asText(), event.at("/detail/daysLeft").asLong()));
        Instant deleteDeadline = Instant.now().plus(Duration.ofSeconds(10));
        while (schedulesOf(id).contains(due) && Instant.now().isBefore(deleteDeadline)) {
            Thread.sleep(200);
        }
        assertTrue(!schedulesOf(id).contains(due), "the fired schedule deleted itself (ActionAfterCompletion DELETE)");
        assertEquals(3, schedulesOf(id).size(), "the token's own schedules, not yet due, stay");
    }
}
