package dev.registrytokens.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.core.adapters.EventBridgeAuditEvents;
import dev.registrytokens.json.Json;
import dev.registrytokens.testkit.AwsEmulator;
import dev.registrytokens.testkit.EmulatorIam;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * An SQS queue of the emulator that a rule on the default bus sends every registry-tokens event to: how tests read back
 * the events that were put.
 */
public final class EventQueue implements AutoCloseable {
    public static final String BUS = "default";
    private final SqsClient sqs;
    private final String url;
    private final String rule;

    public EventQueue() {
        AwsEmulator.Stack stack = AwsEmulator.stack();
        sqs = SqsClient.builder().endpointOverride(stack.endpoint()).region(AwsEmulator.REGION).credentialsProvider(admin())
                .httpClient(UrlConnectionHttpClient.create()).build();
        String name = "audit-events-" + UUID.randomUUID().toString().substring(0, 8);
        rule = name;
        url = sqs.createQueue(queue -> queue.queueName(name)).queueUrl();
        String arn = sqs.getQueueAttributes(get -> get.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        try (EventBridgeClient events = eventBridge(stack.endpoint(), admin())) {
            events.putRule(rule -> rule.name(name).eventBusName(BUS).eventPattern("{\"source\":[\"" + EventBridgeAuditEvents.SOURCE + "\"]}"));
            events.putTargets(targets -> targets.rule(name).eventBusName(BUS).targets(Target.builder().id("queue").arn(arn).build()));
        }
    }

    private static AwsCredentialsProvider admin() {
        return StaticCredentialsProvider.create(EmulatorIam.admin(AwsEmulator.stack().physicalIds()));
    }

    /** An EventBridge client of {@code endpoint} with the given credentials, giving up after 5 s. */
    public static EventBridgeClient eventBridge(URI endpoint, AwsCredentialsProvider credentials) {
        return EventBridgeClient.builder().endpointOverride(endpoint).region(AwsEmulator.REGION).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(config -> config.apiCallTimeout(Duration.ofSeconds(5))).build();
    }

    /** Every event the queue holds (received and deleted), as parsed JSON; waits until two receives come back empty. */
    public List<JsonNode> received() {
        List<JsonNode> received = new ArrayList<>();
        for (int empty = 0; empty < 2; ) {
            List<Message> messages = sqs.receiveMessage(receive -> receive.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            if (messages.isEmpty()) {
                empty++;
            }
            for (Message message : messages) {
                try {
                    received.add(Json.MAPPER.readTree(message.body()));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new UncheckedIOException(e);
                }
                sqs.deleteMessage(delete -> delete.queueUrl(url).receiptHandle(message.receiptHandle()));
            }
        }
        return received;
    }

    /** Removes the rule, then the queue: moto fails every PutEvents whose rule targets a missing queue. */
    @Override
    public void close() {
        try (EventBridgeClient events = eventBridge(AwsEmulator.stack().endpoint(), admin())) {
            events.removeTargets(remove -> remove.rule(rule).eventBusName(BUS).ids("queue"));
            events.deleteRule(delete -> delete.name(rule).eventBusName(BUS));
        }
        sqs.deleteQueue(delete -> delete.queueUrl(url));
        sqs.close();
    }
}
