package dev.registrytokens.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.registrytokens.testkit.AwsEmulator;
import dev.registrytokens.testkit.EmulatorIam;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * SnapStart as Lambda runs it: the function's credentials come only from the container endpoint, priming runs
 * before the snapshot, and the credentials it fetched do not survive into a restored copy.
 */
@Tag("machine")
class SnapStartTest {
    private static final String AUTHORIZATION_TOKEN = "local-authorization-token";
    /** The function whose role the endpoint hands out: it reads tokens by key. */
    private static final String FUNCTION = "GetTokenFunction";
    private final AtomicInteger credentialFetches = new AtomicInteger();
    private HttpServer credentialsEndpoint;

    @BeforeEach
    void startCredentialsEndpoint() throws Exception {
        assumeTrue(System.getenv("AWS_ACCESS_KEY_ID") == null, "this JVM has key variables; SnapStart functions have none");
        credentialsEndpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        credentialsEndpoint.createContext("/credentials", exchange -> {
            boolean authorized = AUTHORIZATION_TOKEN.equals(exchange.getRequestHeaders().getFirst("Authorization"));
            if (authorized) {
                credentialFetches.incrementAndGet();
            }
            byte[] body = authorized ? sessionOfRole().getBytes(StandardCharsets.UTF_8) : new byte[0];
            exchange.sendResponseHeaders(authorized ? 200 : 403, authorized ? body.length : -1);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        credentialsEndpoint.start();
        System.setProperty("aws.containerCredentialsFullUri",
                "http://127.0.0.1:" + credentialsEndpoint.getAddress().getPort() + "/credentials");
        System.setProperty("aws.containerAuthorizationToken", AUTHORIZATION_TOKEN);
        LambdaCredentials.INSTANCE.forget();
    }

    @AfterEach
    void stopCredentialsEndpoint() {
        System.clearProperty("aws.containerCredentialsFullUri");
        System.clearProperty("aws.containerAuthorizationToken");
        LambdaCredentials.INSTANCE.forget();
        credentialsEndpoint.stop(0);
    }

    @Test
    void primingReadsBeforeTheSnapshotAndTheRestoredCopyFetchesItsOwnCredentials() {
        AwsEmulator.Stack stack = AwsEmulator.stack();
        DynamoDbClient dynamoDb = DynamoDbClient.builder().endpointOverride(stack.endpoint()).region(AwsEmulator.REGION)
                .credentialsProvider(LambdaCredentials.INSTANCE).httpClient(UrlConnectionHttpClient.create()).build();
        AtomicInteger primingReads = new AtomicInteger();
        SnapStart hooks = SnapStart.primeBeforeSnapshot(() -> {
            read(dynamoDb, stack.tableName());
            read(dynamoDb, stack.tableName());
            primingReads.addAndGet(2);
        });

        hooks.beforeCheckpoint(null);
        assertEquals(2, primingReads.get(), "priming ran its reads before the snapshot");
        assertEquals(1, credentialFetches.get(), "two reads, one fetch: credentials are cached within an environment");

        hooks.afterRestore(null);
        read(dynamoDb, stack.tableName());
        assertEquals(2, credentialFetches.get(), "the restored copy fetched its own credentials: the snapshot held none");
    }

    @Test
    void aFailedPrimingIsTriedAgainUntilItSucceedsAndNeverFailsInit() {
        AtomicInteger runs = new AtomicInteger();
        SnapStart coldThenWarm = SnapStart.primeBeforeSnapshot(() -> {
            if (runs.incrementAndGet() < 3) {
                throw dev.registrytokens.core.DomainException.Unavailable.dependency("The key service", "timeout (ApiCallTimeoutException)");
            }
        });
        coldThenWarm.beforeCheckpoint(null);
        assertEquals(3, runs.get(), "two cold failures, then a warm success");

        AtomicInteger failures = new AtomicInteger();
        SnapStart alwaysFailing = SnapStart.primeBeforeSnapshot(() -> {
            failures.incrementAndGet();
            throw new IllegalStateException("down");
        });
        alwaysFailing.beforeCheckpoint(null);
        assertEquals(3, failures.get(), "bounded: three attempts, then init goes on");
    }

    /** A fresh session of a SnapStart function's role, as the container endpoint hands out (IAM is enforced). */
    private static String sessionOfRole() {
        AwsEmulator.Stack stack = AwsEmulator.stack();
        var session = EmulatorIam.assume(stack.endpoint(), stack.physicalIds(), EmulatorIam.roleArnOf(stack.physicalIds(), FUNCTION), FUNCTION);
        return "{\"AccessKeyId\":\"" + session.accessKeyId() + "\",\"SecretAccessKey\":\"" + session.secretAccessKey()
                + "\",\"Token\":\"" + session.sessionToken() + "\",\"Expiration\":\"" + Instant.now().plusSeconds(3600) + "\"}";
    }

    private static void read(DynamoDbClient dynamoDb, String tableName) {
        dynamoDb.getItem(request -> request.tableName(tableName).consistentRead(true).key(Map.of(
                "pk", AttributeValue.fromS("NAMESPACE#snapstart-priming"), "sk", AttributeValue.fromS("TOKEN#snapstart-priming"))));
    }
}
