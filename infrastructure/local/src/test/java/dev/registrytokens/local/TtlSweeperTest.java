package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.testkit.AwsEmulator;
import dev.registrytokens.testkit.TtlSweeper;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@Tag("machine")
class TtlSweeperTest {
    private final DynamoDbClient dynamoDb = AwsEmulator.stack().dynamoDb();
    private final String table = AwsEmulator.stack().tableName();
    private final String prefix = "SWEEPER#" + UUID.randomUUID() + "#";

    private TtlSweeper sweeper(Duration maxDelay) {
        return TtlSweeper.forTable(dynamoDb, table, maxDelay);
    }

    /** Puts an item expiring at the given time (null: no TTL attribute); answers its key. */
    private Map<String, AttributeValue> put(String name, Instant expiresAt) {
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS(prefix + name), "sk", AttributeValue.fromS(prefix + name));
        Map<String, AttributeValue> item = new HashMap<>(key);
        if (expiresAt != null) {
            item.put("expiresAt", AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond())));
        }
        dynamoDb.putItem(put -> put.tableName(table).item(item));
        return key;
    }

    private boolean exists(Map<String, AttributeValue> key) {
        return dynamoDb.getItem(get -> get.tableName(table).key(key).consistentRead(true)).hasItem();
    }

    @Test
    void sweepNowDeletesExpiredItemsAndKeepsUnexpiredAndNeverExpiringOnes() {
        var expired = put("expired", Instant.now().minusSeconds(60));
        var unexpired = put("unexpired", Instant.now().plusSeconds(3600));
        var neverExpiring = put("never", null);
        try (TtlSweeper sweeper = sweeper(Duration.ZERO)) {
            assertTrue(sweeper.sweepNow() >= 1);
        }
        assertFalse(exists(expired));
        assertTrue(exists(unexpired));
        assertTrue(exists(neverExpiring));
    }

    @Test
    void anItemWhoseExpiryWasExtendedIsNotDeleted() {
        var extended = put("extended", Instant.now().minusSeconds(60));
        put("extended", Instant.now().plusSeconds(3600)); // extended after it expired, before TTL got to it
        try (TtlSweeper sweeper = sweeper(Duration.ZERO)) {
            assertFalse(sweeper.expireNow(extended), "the conditional delete refuses it");
            sweeper.sweepNow();
        }
        assertTrue(exists(extended));
    }

    @Test
    void expireNowDeletesOnlyTheChosenExpiredItem() {
        var chosen = put("chosen", Instant.now().minusSeconds(60));
        var other = put("other", Instant.now().minusSeconds(60));
        try (TtlSweeper sweeper = sweeper(Duration.ZERO)) {
            assertTrue(sweeper.expireNow(chosen));
            assertFalse(sweeper.expireNow(chosen), "already gone");
        }
        assertFalse(exists(chosen));
        assertTrue(exists(other));
    }

    @Test
    void onceStartedItDeletesExpiredItemsWithinItsDelayAndLeavesTheRest() throws InterruptedException {
        var unexpired = put("later", Instant.now().plusSeconds(3600));
        try (TtlSweeper sweeper = sweeper(Duration.ofMillis(500))) {
            sweeper.start(Duration.ofMillis(100));
            var expired = put("soon", Instant.now().minusSeconds(1));
            // The next scan comes after the interval, or ten times the first scan's duration: longer on a full table.
            Instant deadline = Instant.now().plusSeconds(60);
            while (exists(expired) && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
            }
            assertFalse(exists(expired), "deleted within the scan spacing and the delay");
        }
        assertTrue(exists(unexpired));
    }
}
