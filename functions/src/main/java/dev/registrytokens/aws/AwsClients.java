package dev.registrytokens.aws;

import dev.registrytokens.core.AuditEntry;
import dev.registrytokens.core.AuditLog;
import dev.registrytokens.core.AuditRecord;
import dev.registrytokens.core.ExpiringTokens;
import dev.registrytokens.core.ExpiryNotices;
import dev.registrytokens.core.ExpiryScheduling;
import dev.registrytokens.core.LeakedSecrets;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.UnusedTokenSweep;
import dev.registrytokens.core.adapters.DynamoDbAuditStore;
import dev.registrytokens.core.adapters.DynamoDbExpiringTokens;
import dev.registrytokens.core.adapters.EventBridgeExpiryEvents;
import dev.registrytokens.core.adapters.SchedulerExpirySchedules;
import dev.registrytokens.core.adapters.DynamoDbLoginStore;
import dev.registrytokens.core.adapters.DynamoDbTokenStore;
import dev.registrytokens.core.adapters.EventBridgeAuditEvents;
import dev.registrytokens.core.adapters.KmsSecretMacs;
import dev.registrytokens.json.Json;
import dev.registrytokens.registry.CertificateStore;
import dev.registrytokens.registry.ClientAddress;
import dev.registrytokens.registry.RegistryLogins;
import dev.registrytokens.registry.RegistrySigningKey;
import dev.registrytokens.registry.RegistryTokenIssuer;
import dev.registrytokens.registry.RegistryTokens;
import dev.registrytokens.runtime.LambdaCredentials;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;

/**
 * Clients for the Lambda environment, built once per execution environment: explicit region, Lambda's credentials
 * ({@link LambdaCredentials}) and the light URL-connection HTTP client. AWS_ENDPOINT_URL, when set (locally), points
 * them at an emulator.
 */
public final class AwsClients {
    private AwsClients() {
    }

    /**
     * A client's waits: connecting and reading (the HTTP client), one attempt and the whole call with its retries. Each
     * client also notes what its attempts ran into, so that a call that ran out of time after a throttled or refused
     * attempt is not reported as having simply hung. DynamoDB and KMS answer in milliseconds; what differs between the
     * tiers is how long a caller can wait, and how cold the JVM may be.
     */
    public enum Timeouts {
        /**
         * Registry logins, every pull: the authorizer has 5 s and at worst makes three calls in a row (BatchGetItem,
         * GenerateMac, UpdateItem), so one call, retries included, may take at most 1.5 s; an attempt that has not
         * answered in 700 ms is retried, then given up.
         */
        HOT_PATH(Duration.ofMillis(500), Duration.ofMillis(700), Duration.ofMillis(700), Duration.ofMillis(1500)),
        /**
         * The management API, a person or a pipeline changing a token: its functions have 15 s and make at most three
         * calls in a row (read, GenerateMac, transaction), so each may take 4 s. Answering 503 to a change that a
         * moment's patience would have made is worse here than waiting: a slow attempt is retried after 2 s.
         */
        MANAGEMENT(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(4)),
        /**
         * Deploy-time functions (custom resources): CloudFormation invokes them on $LATEST, so each runs in a cold,
         * unprimed JVM, maybe on Lambda's smallest CPU share, where the first call of a client loads and links the
         * SDK's classes and can take seconds. Three calls in a row (the certificate issuer's) plus the answer to
         * CloudFormation fit the issuer's 120 s timeout.
         */
        DEPLOYMENT(Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(20));

        private final Duration connect;
        private final Duration socket;
        private final Duration attempt;
        private final Duration call;

        Timeouts(Duration connect, Duration socket, Duration attempt, Duration call) {
            this.connect = connect;
            this.socket = socket;
            this.attempt = attempt;
            this.call = call;
        }

        /** The HTTP client: bounded connect and read waits, each attempt's failure noted. */
        public SdkHttpClient httpClient() {
            return AttemptFailures.noting(UrlConnectionHttpClient.builder().connectionTimeout(connect).socketTimeout(socket).build());
        }

        /** The per-attempt and per-call timeouts, and the note of what attempts ran into. */
        public ClientOverrideConfiguration.Builder apply(ClientOverrideConfiguration.Builder config) {
            return config.apiCallAttemptTimeout(attempt).apiCallTimeout(call).addExecutionInterceptor(new AttemptFailures());
        }
    }

    /** A DynamoDB client for deploy-time functions: timeouts fit for a cold JVM. */
    public static DynamoDbClient dynamoDbForDeployment() {
        return dynamoDb(Timeouts.DEPLOYMENT);
    }

    /** A KMS client for deploy-time functions: timeouts fit for a cold JVM. */
    public static KmsClient kmsForDeployment() {
        return kms(Timeouts.DEPLOYMENT);
    }

    private static DynamoDbClient dynamoDb(Timeouts timeouts) {
        return DynamoDbClient.builder().region(region()).credentialsProvider(LambdaCredentials.INSTANCE)
                .httpClient(timeouts.httpClient()).overrideConfiguration(timeouts::apply).build();
    }

    private static KmsClient kms(Timeouts timeouts) {
        return KmsClient.builder().region(region()).credentialsProvider(LambdaCredentials.INSTANCE)
                .httpClient(timeouts.httpClient()).overrideConfiguration(timeouts::apply).build();
    }

    /** The token service of the functions that make secrets (create, reset): the table, the MAC key and the expiry schedules. */
    public static TokenService tokenService() {
        return new TokenService(new DynamoDbTokenStore(dynamoDb(Timeouts.MANAGEMENT), requiredEnv("TABLE_NAME")),
                new KmsSecretMacs(kms(Timeouts.MANAGEMENT), requiredEnv("MAC_KEY_ID")),
                Clock.systemUTC(), auditRetention(), expirySchedules());
    }

    /** The token service of the functions that move or end an expiry without making secrets (edit, delete). */
    public static TokenService tokenServiceFollowingExpiry() {
        return new TokenService(new DynamoDbTokenStore(dynamoDb(Timeouts.MANAGEMENT), requiredEnv("TABLE_NAME")), null,
                Clock.systemUTC(), auditRetention(), expirySchedules());
    }

    /**
     * The expiry notices' one-time schedules: the template's schedule group, each targeting the notice function
     * through the scheduler's execution role. Management timeouts: they run after the change, within its answer.
     */
    private static SchedulerExpirySchedules expirySchedules() {
        return new SchedulerExpirySchedules(SchedulerClient.builder().region(region()).credentialsProvider(LambdaCredentials.INSTANCE)
                .httpClient(Timeouts.MANAGEMENT.httpClient()).overrideConfiguration(Timeouts.MANAGEMENT::apply).build(),
                requiredEnv("EXPIRY_SCHEDULE_GROUP"), requiredEnv("EXPIRY_NOTICE_ARN"), requiredEnv("EXPIRY_SCHEDULER_ROLE_ARN"));
    }

    /** The notice function's: re-reads the token, puts the event on the template's bus. */
    public static ExpiryNotices expiryNotices() {
        return new ExpiryNotices(new DynamoDbTokenStore(dynamoDb(Timeouts.MANAGEMENT), requiredEnv("TABLE_NAME")),
                new EventBridgeExpiryEvents(EventBridgeClient.builder().region(region()).credentialsProvider(LambdaCredentials.INSTANCE)
                        .httpClient(Timeouts.MANAGEMENT.httpClient()).overrideConfiguration(Timeouts.MANAGEMENT::apply).build(),
                        requiredEnv("EVENT_BUS_NAME")),
                Clock.systemUTC());
    }

    /** The reconcile's side of the expiry schedules. */
    public static ExpiryScheduling expiryScheduling() {
        return new ExpiryScheduling(expirySchedules(), Clock.systemUTC());
    }

    /** The tokens that have an expiry, for the reconcile: one Scan of the table. */
    public static ExpiringTokens expiringTokens() {
        return new DynamoDbExpiringTokens(dynamoDb(Timeouts.MANAGEMENT), requiredEnv("TABLE_NAME"));
    }

    /** The token service of the functions that only read tokens: the table only, no KMS client; they write no audit record. */
    public static TokenService tokenServiceWithoutSecrets() {
        return new TokenService(new DynamoDbTokenStore(dynamoDb(Timeouts.MANAGEMENT), requiredEnv("TABLE_NAME")), null, Clock.systemUTC());
    }

    /** The token service of the functions that change tokens without making secrets (edit, enable, disable, delete). */
    public static TokenService tokenChangesWithoutSecrets() {
        return new TokenService(new DynamoDbTokenStore(dynamoDb(Timeouts.MANAGEMENT), requiredEnv("TABLE_NAME")), null, Clock.systemUTC(),
                auditRetention());
    }

    /** The template's AuditRetentionDays: how long each change's audit record is kept (its TTL). */
    private static Duration auditRetention() {
        return Duration.ofDays(Long.parseLong(requiredEnv("AUDIT_RETENTION_DAYS")));
    }

    /** The audit log as members read it: the table only. */
    public static AuditLog auditLog() {
        return new AuditLog(new DynamoDbAuditStore(dynamoDb(Timeouts.MANAGEMENT), requiredEnv("TABLE_NAME")), null, Clock.systemUTC());
    }

    /** The audit log's outbox and the bus its events go to (the template's EventBusName). */
    public static AuditLog eventOutbox() {
        EventBridgeClient eventBridge = EventBridgeClient.builder().region(region()).credentialsProvider(LambdaCredentials.INSTANCE)
                .httpClient(Timeouts.MANAGEMENT.httpClient()).overrideConfiguration(Timeouts.MANAGEMENT::apply).build();
        return new AuditLog(new DynamoDbAuditStore(dynamoDb(Timeouts.MANAGEMENT), requiredEnv("TABLE_NAME")),
                new EventBridgeAuditEvents(eventBridge, requiredEnv("EVENT_BUS_NAME"), AwsClients::eventDetail), Clock.systemUTC());
    }

    /** An audit event's detail: its stable {@code eventId} (the audit record's id), then the record as the API lists it. */
    public static String eventDetail(AuditRecord record) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("eventId", record.id());
        detail.putAll(Json.MAPPER.convertValue(AuditEntry.of(record), Map.class));
        return Json.write(detail);
    }

    /** A change's audit item and outbox entry, for the layout migration's own transactions. */
    public static List<TransactWriteItem> auditWrites(String tableName, AuditRecord audit) {
        return DynamoDbTokenStore.auditWrites(tableName, audit);
    }

    /** Leak reports: the table (with its MAC index) and the MAC key, disabling through the token service. */
    public static LeakedSecrets leakedSecrets() {
        DynamoDbTokenStore store = new DynamoDbTokenStore(dynamoDb(Timeouts.MANAGEMENT), requiredEnv("TABLE_NAME"));
        return new LeakedSecrets(store, new KmsSecretMacs(kms(Timeouts.MANAGEMENT), requiredEnv("MAC_KEY_ID")),
                new TokenService(store, null, Clock.systemUTC(), auditRetention()), Clock.systemUTC());
    }

    /** The daily sweep of unused tokens over the table. */
    public static UnusedTokenSweep unusedTokenSweep() {
        DynamoDbTokenStore store = new DynamoDbTokenStore(dynamoDb(Timeouts.MANAGEMENT), requiredEnv("TABLE_NAME"));
        return new UnusedTokenSweep(store, new TokenService(store, null, Clock.systemUTC(), auditRetention()), Clock.systemUTC());
    }

    /** Registry logins over the same table and MAC key, throttled as the template configures. */
    public static RegistryLogins registryLogins() {
        return new RegistryLogins(
                new DynamoDbLoginStore(dynamoDb(Timeouts.HOT_PATH), requiredEnv("TABLE_NAME")),
                new KmsSecretMacs(kms(Timeouts.HOT_PATH), requiredEnv("MAC_KEY_ID")),
                Clock.systemUTC(),
                Integer.parseInt(requiredEnv("LOGIN_FAILURES_PER_SOURCE")),
                Duration.ofSeconds(Long.parseLong(requiredEnv("LOGIN_FAILURE_WINDOW_SECONDS"))),
                System.out::println,
                new RegistryLogins.HotTokenLimits(Integer.parseInt(requiredEnv("HOT_TOKEN_LOGINS_PER_SECOND")),
                        Duration.ofMillis(Long.parseLong(requiredEnv("HOT_TOKEN_MAX_AGE_MS")))));
    }

    /**
     * Where logins come from: API Gateway's peer, or behind the optional edge (the template's EdgeRateLimitPerAddress)
     * the viewer address CloudFront vouches for with EDGE_ORIGIN_SECRET.
     */
    public static ClientAddress clientAddress() {
        return new ClientAddress(System.getenv("EDGE_ORIGIN_SECRET"));
    }

    /** The management JWT's claim that lists the caller's namespaces and roles (the template's NamespacesClaim). */
    public static String namespacesClaim() {
        return requiredEnv("NAMESPACES_CLAIM");
    }

    public static RegistrySigningKey registrySigningKey() {
        return new RegistrySigningKey(kms(Timeouts.HOT_PATH), requiredEnv("SIGNING_KEY_ID"));
    }

    /** The token endpoint's grants: JWTs signed under the KMS CA, for the template's service, issuer and lifetimes. */
    public static RegistryTokens registryTokens() {
        return new RegistryTokens(new RegistryTokenIssuer(registrySigningKey(), requiredEnv("REGISTRY_ISSUER"),
                Duration.ofSeconds(Long.parseLong(requiredEnv("TOKEN_TTL_SECONDS"))),
                Duration.ofSeconds(Long.parseLong(requiredEnv("SIGNING_CERTIFICATE_SECONDS"))), Clock.systemUTC()),
                requiredEnv("REGISTRY_SERVICE"));
    }

    /** The stored certificate of the signing key, in the token table. */
    public static CertificateStore certificateStore() {
        return new CertificateStore(dynamoDb(Timeouts.HOT_PATH), requiredEnv("TABLE_NAME"));
    }

    public static String requiredEnv(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }

    private static Region region() {
        return Region.of(requiredEnv("AWS_REGION"));
    }
}
