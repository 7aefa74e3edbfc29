package dev.registrytokens.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * DynamoDB's Time to Live for an emulator that has none (moto keeps expired items forever): deletes each
 * item whose TTL attribute (epoch seconds, named by the table's DescribeTimeToLive) is at or before now, each
 * on its own, at a random delay of up to {@code maxDelay} after it expired (AWS: up to days). Locally this
 * shows the states real TTL leaves, such as one of a token's two records deleted and the other not yet.
 * A deletion is conditional on the item still being expired, so an expiry extended meanwhile is respected.
 */
public final class TtlSweeper implements AutoCloseable {
    private static final int SCAN_SPACING = 10;
    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final String ttlAttribute;
    private final List<String> keyAttributes;
    private final Duration maxDelay;
    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("ttl-sweeper").factory());
    /** Items whose deletion is scheduled, so that later scans do not schedule them again. */
    private final Set<Map<String, AttributeValue>> scheduled = ConcurrentHashMap.newKeySet();

    private TtlSweeper(DynamoDbClient dynamoDb, String tableName, String ttlAttribute, List<String> keyAttributes, Duration maxDelay) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.ttlAttribute = ttlAttribute;
        this.keyAttributes = keyAttributes;
        this.maxDelay = maxDelay;
    }

    /** A sweeper for the table, which must have TTL enabled; nothing runs until {@link #start}. */
    public static TtlSweeper forTable(DynamoDbClient dynamoDb, String tableName, Duration maxDelay) {
        var ttl = dynamoDb.describeTimeToLive(request -> request.tableName(tableName)).timeToLiveDescription();
        if (ttl.timeToLiveStatus() != TimeToLiveStatus.ENABLED) {
            throw new IllegalStateException("TTL is not enabled on " + tableName + " (" + ttl.timeToLiveStatusAsString() + ")");
        }
        List<String> keyAttributes = dynamoDb.describeTable(request -> request.tableName(tableName)).table().keySchema().stream()
                .map(KeySchemaElement::attributeName).toList();
        return new TtlSweeper(dynamoDb, tableName, ttl.attributeName(), keyAttributes, maxDelay);
    }

    /**
     * Scans the table now and then every {@code scanInterval}, scheduling each expired item's deletion; but never
     * sooner than {@value #SCAN_SPACING} times the last scan's duration after it. AWS's TTL costs the table nothing,
     * while a scan of the emulator's table holds its single thread (25 s in all, up to 1.7 s a page, at 40,000 items):
     * spaced so, the sweeper keeps under a tenth of the emulator's time.
     */
    public void start(Duration scanInterval) {
        scheduler.execute(() -> scanAndReschedule(scanInterval));
    }

    private void scanAndReschedule(Duration scanInterval) {
        long started = System.nanoTime();
        scheduleExpired();
        long spacing = Math.max(scanInterval.toNanos(), SCAN_SPACING * (System.nanoTime() - started));
        try {
            scheduler.schedule(() -> scanAndReschedule(scanInterval), spacing, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            // closed meanwhile: no more scans
        }
    }

    /** Stops scanning and drops the deletions not yet made. */
    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    /** Deletes every item expired by now, at once, as a TTL that has caught up would; answers how many. */
    public int sweepNow() {
        int deleted = 0;
        for (Map<String, AttributeValue> item : expiredItems(Instant.now())) {
            if (expireNow(keyOf(item))) {
                deleted++;
            }
        }
        return deleted;
    }

    /**
     * What TTL does to one item: deletes it if its TTL attribute is at or before now. Tests use it to choose
     * which of several expired items goes first. Answers whether it deleted the item.
     */
    public boolean expireNow(Map<String, AttributeValue> key) {
        try {
            dynamoDb.deleteItem(request -> request.tableName(tableName).key(key)
                    .conditionExpression("#ttl <= :now")
                    .expressionAttributeNames(Map.of("#ttl", ttlAttribute))
                    .expressionAttributeValues(Map.of(":now", epochSeconds(Instant.now()))));
            return true;
        } catch (ConditionalCheckFailedException absentOrNotExpired) {
            return false;
        }
    }

    private void scheduleExpired() {
        // An exception escaping a periodic task would end the schedule: report it and scan again next time.
        reportingFailures("scan", () -> {
            Instant now = Instant.now();
            for (Map<String, AttributeValue> item : expiredItems(now)) {
                Map<String, AttributeValue> key = keyOf(item);
                if (scheduled.add(key)) {
                    Instant expiredAt = Instant.ofEpochSecond(Long.parseLong(item.get(ttlAttribute).n()));
                    Instant deleteAt = expiredAt.plusMillis(ThreadLocalRandom.current().nextLong(maxDelay.toMillis() + 1));
                    scheduler.schedule(() -> reportingFailures("delete", () -> {
                        scheduled.remove(key);
                        expireNow(key);
                    }), Math.max(0, Duration.between(now, deleteAt).toMillis()), TimeUnit.MILLISECONDS);
                }
            }
        });
    }

    private Iterable<Map<String, AttributeValue>> expiredItems(Instant now) {
        Map<String, String> names = new HashMap<>(Map.of("#ttl", ttlAttribute));
        for (int i = 0; i < keyAttributes.size(); i++) {
            names.put("#key" + i, keyAttributes.get(i));
        }
        return dynamoDb.scanPaginator(request -> request.tableName(tableName)
                .filterExpression("#ttl <= :now")
                .projectionExpression(String.join(", ", names.keySet()))
                .expressionAttributeNames(names)
                .expressionAttributeValues(Map.of(":now", epochSeconds(now)))
                .consistentRead(true)).items();
    }

    private Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item) {
        return keyAttributes.stream().collect(Collectors.toUnmodifiableMap(name -> name, item::get));
    }

    private void reportingFailures(String what, Runnable task) {
        try {
            task.run();
        } catch (SdkException e) {
            System.err.println("TTL sweeper: " + what + " in " + tableName + " failed: " + e.getMessage());
        }
    }

    private static AttributeValue epochSeconds(Instant instant) {
        return AttributeValue.fromN(Long.toString(instant.getEpochSecond()));
    }
}
