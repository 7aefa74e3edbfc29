package dev.registrytokens.expiryreconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.registrytokens.core.CreateTokenRequest;
import dev.registrytokens.core.ExpiryNotice;
import dev.registrytokens.core.ExpiryScheduling;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.TokenIds;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.core.adapters.DynamoDbExpiringTokens;
import dev.registrytokens.core.adapters.DynamoDbTokenStore;
import dev.registrytokens.core.adapters.KmsSecretMacs;
import dev.registrytokens.core.adapters.SchedulerExpirySchedules;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.CapturedOutput;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testkit.AwsEmulator;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ScheduleSummary;

/**
 * A scheduler failure never blocks a change, and the hourly reconcile, with its own role, repairs what it left: the
 * missing schedules are made, those of a deleted token removed.
 */
@Tag("machine")
class ExpiryReconcileHandlerTest {
    private static final AwsEmulator.Stack STACK = AwsEmulator.stack();
    private final TestAccount owner = TestAccount.fresh();

    private static SchedulerExpirySchedules schedules(SchedulerClient client) {
        return new SchedulerExpirySchedules(client, STACK.expiryScheduleGroup(), STACK.expiryNoticeArn(), STACK.expirySchedulerRoleArn());
    }

    private static Set<String> schedulesOf(String tokenId) {
        Set<String> names = new TreeSet<>();
        STACK.scheduler().listSchedulesPaginator(request -> request.groupName(STACK.expiryScheduleGroup())).schedules().stream()
                .map(ScheduleSummary::name).filter(name -> name.startsWith(tokenId)).forEach(names::add);
        return names;
    }

    @Test
    void aCreateWhoseSchedulerIsUnreachableStillCommitsAndTheReconcileMakesItsSchedules() {
        SchedulerClient unreachable = SchedulerClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + AwsEmulator.freePort()))
                .region(AwsEmulator.REGION).credentialsProvider(STACK.roleOf("CreateTokenFunction")).build();
        TokenService withoutScheduler = new TokenService(new DynamoDbTokenStore(STACK.dynamoDbAs("CreateTokenFunction"), STACK.tableName()),
                new KmsSecretMacs(STACK.kmsAs("CreateTokenFunction"), STACK.macKeyId()), Clock.systemUTC(), schedules(unreachable));
        TokenView token = withoutScheduler.create(owner.membership(), new CreateTokenRequest("ci", Permission.PULL, null, 30, null));
        String logged = CapturedOutput.text();
        assertTrue(logged.contains("{\"expirySchedules\":\"create failed\",\"tokenId\":\"" + token.id() + "\",\"cause\":\"EventBridge Scheduler: connect"),
                "the failure is logged with its cause");
        assertEquals(Set.of(), schedulesOf(token.id()));
        String strayId = TokenIds.newId(Instant.now(), new SecureRandom());
        schedules(STACK.scheduler()).create(new ExpiryNotice(owner.namespace(), strayId, ExpiryNotice.Kind.EXPIRED,
                Instant.now().plus(Duration.ofDays(3)).getEpochSecond()));

        ExpiryReconcileHandler reconcile = new ExpiryReconcileHandler(
                new DynamoDbExpiringTokens(STACK.dynamoDbAs("ExpiryReconcileFunction"), STACK.tableName()),
                new ExpiryScheduling(schedules(STACK.schedulerAs("ExpiryReconcileFunction")), Clock.systemUTC()));
        ExpiryScheduling.Reconciled reconciled = reconcile.handleRequest(ApiCall.load("expiry-reconcile.json", ScheduledEvent.class), null);

        long expiresAt = Instant.parse(token.expiresAt()).getEpochSecond();
        assertEquals(Set.of(token.id() + "-expiring-7d-" + expiresAt, token.id() + "-expiring-1d-" + expiresAt, token.id() + "-expired-" + expiresAt),
                schedulesOf(token.id()));
        assertEquals(Set.of(), schedulesOf(strayId), "a schedule of no token is deleted");
        assertTrue(reconciled.created() >= 3 && reconciled.deleted() >= 1, reconciled.toString());
    }
}
