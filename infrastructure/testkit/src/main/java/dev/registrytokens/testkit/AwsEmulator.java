package dev.registrytokens.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS endpoint the integration tests talk to, started once per test JVM on first use: {@code AWS_TEST_ENDPOINT}
 * if set (an emulator already running), else moto's server from the project's venv ({@code .venv}, made by ./dev),
 * single-threaded. It then makes the harness's admin user there, has moto enforce IAM, and creates the template's
 * table, keys and function roles, and its custom resources with the module's {@link CustomResources}
 * ({@link TemplateResources}). Nothing of the AWS SDK is mocked. Refused in the fast tier ({@link FastTier}).
 */
public final class AwsEmulator {
    public static final Region REGION = Region.US_EAST_1;
    private static Stack stack;

    /**
     * The emulator's endpoint with the template's resources in it. Its clients use the harness's admin keys (in the
     * physical ids, {@link EmulatorIam}); those named {@code ...As(function)} use a session of that function's role.
     */
    public record Stack(URI endpoint, Map<String, String> physicalIds) {
        private StaticCredentialsProvider admin() {
            return StaticCredentialsProvider.create(EmulatorIam.admin(physicalIds));
        }

        /** Credentials of one session of the function's role, as Lambda gives the function. */
        public StaticCredentialsProvider roleOf(String function) {
            return StaticCredentialsProvider.create(EmulatorIam.assume(endpoint, physicalIds, EmulatorIam.roleArnOf(physicalIds, function), function));
        }

        public DynamoDbClient dynamoDbAs(String function) {
            return DynamoDbClient.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(roleOf(function))
                    .httpClient(UrlConnectionHttpClient.create()).build();
        }

        public KmsClient kmsAs(String function) {
            return KmsClient.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(roleOf(function))
                    .httpClient(UrlConnectionHttpClient.create()).build();
        }

        public SchedulerClient schedulerAs(String function) {
            return SchedulerClient.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(roleOf(function))
                    .httpClient(UrlConnectionHttpClient.create()).build();
        }

        public EventBridgeClient eventBridgeAs(String function) {
            return EventBridgeClient.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(roleOf(function))
                    .httpClient(UrlConnectionHttpClient.create()).build();
        }

        public SchedulerClient scheduler() {
            return SchedulerClient.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(admin())
                    .httpClient(UrlConnectionHttpClient.create()).build();
        }

        public EventBridgeClient eventBridge() {
            return EventBridgeClient.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(admin())
                    .httpClient(UrlConnectionHttpClient.create()).build();
        }

        public SqsClient sqs() {
            return SqsClient.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(admin())
                    .httpClient(UrlConnectionHttpClient.create()).build();
        }

        IamClient iam() {
            return IamClient.builder().endpointOverride(endpoint).region(Region.AWS_GLOBAL).credentialsProvider(admin())
                    .httpClient(UrlConnectionHttpClient.create()).build();
        }

        /** The expiry schedules' group, their target (the notice function's alias) and the role they run as. */
        public String expiryScheduleGroup() {
            return physicalIds.get("ExpiryScheduleGroup");
        }

        public String expiryNoticeArn() {
            return physicalIds.get("ExpiryNoticeFunction.Alias");
        }

        public String expirySchedulerRoleArn() {
            return physicalIds.get("ExpirySchedulerRole.Arn");
        }

        public DynamoDbClient dynamoDb() {
            return dynamoDb(new AwsCallCounter());
        }

        /** A client whose calls the interceptors see (counted, or failed on purpose; the rest still reach the emulator). */
        public DynamoDbClient dynamoDb(ExecutionInterceptor... interceptors) {
            return DynamoDbClient.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(admin())
                    .overrideConfiguration(config -> config.executionInterceptors(List.of(interceptors)))
                    .httpClient(UrlConnectionHttpClient.create()).build();
        }

        public KmsClient kms() {
            return kms(new AwsCallCounter());
        }

        public KmsClient kms(AwsCallCounter counter) {
            return KmsClient.builder().endpointOverride(endpoint).region(REGION).credentialsProvider(admin())
                    .overrideConfiguration(config -> config.addExecutionInterceptor(counter))
                    .httpClient(UrlConnectionHttpClient.create()).build();
        }

        public String signingKeyId() {
            return physicalIds.get("RegistrySigningKey");
        }

        public String tableName() {
            return physicalIds.get("TokensTable");
        }

        public String macKeyId() {
            return physicalIds.get("SecretMacKey");
        }
    }

    public static synchronized Stack stack() {
        if (stack == null) {
            FastTier.refuse("the AWS emulator");
            URI endpoint = startEndpoint();
            stack = new Stack(endpoint, TemplateResources.provision(ProjectFiles.template(), endpoint,
                    EmulatorIam.bootstrapAdmin(endpoint), "test-", CustomResources.find()));
        }
        return stack;
    }

    private static URI startEndpoint() {
        String given = System.getenv("AWS_TEST_ENDPOINT");
        if (given != null && !given.isBlank()) {
            return URI.create(given);
        }
        return startMoto();
    }

    private static URI startMoto() {
        Path root = ProjectFiles.root();
        Path python = root.resolve(".venv/bin/python");
        if (!Files.isExecutable(python)) {
            throw new IllegalStateException("moto is not installed: run ./dev test (it makes " + python + ")");
        }
        int port = freePort();
        try {
            Path log = Files.createTempFile("moto-", ".log");
            Path record = callRecord();
            Files.createDirectories(record.getParent());
            Process moto = Processes.start(new ProcessBuilder(python.toString(), root.resolve("infrastructure/moto/serve.py").toString(),
                    "--port", Integer.toString(port), "--record", record.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()));
            Runtime.getRuntime().addShutdownHook(new Thread(moto::destroy));
            Processes.awaitListening(port, moto, log, Duration.ofSeconds(30));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return URI.create("http://127.0.0.1:" + port);
    }

    /**
     * Where the moto this JVM starts records each authorization of a function role's request (role, action,
     * allowed): the module's target folder, which IamUsageTest reads after the suite.
     */
    public static Path callRecord() {
        return Path.of("target", "aws-calls.jsonl").toAbsolutePath();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
