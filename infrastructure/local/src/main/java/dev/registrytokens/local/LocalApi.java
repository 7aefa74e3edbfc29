package dev.registrytokens.local;

import dev.registrytokens.testkit.ScheduleFirer;
import dev.registrytokens.testkit.TtlSweeper;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.registrytokens.testkit.AwsEmulator;
import dev.registrytokens.testkit.TemplateResources;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;

/**
 * The local stand-in for {@code sam local start-api} (which needs Docker): the dev issuer on one port, and the
 * template's HTTP API on another, each route served by its function's {@code sam build} artefact in a local
 * Lambda runtime, with credentials only from a local container-credentials endpoint; and a TTL sweeper and a firer of
 * due schedules, since the emulator has no TTL and fires no schedule. The API is {@code http://127.0.0.1:PORT}; the web console is {@code http://localhost:PORT/console/},
 * another origin, which the API's CORS configuration allows in place of the deployed console's, so that the console
 * calls the API cross-origin as it does deployed.
 */
public final class LocalApi {
    private static final Duration TTL_MAX_DELAY = Duration.ofSeconds(30);
    private static final Duration TTL_SCAN_INTERVAL = Duration.ofSeconds(5);
    private static final Duration SCHEDULE_INTERVAL = Duration.ofSeconds(5);
    private final HttpServer issuerServer;
    private final HttpServer apiServer;
    private final LambdaRuntimes functions;
    private final ContainerCredentials credentials;
    private final TtlSweeper ttl;
    private final ScheduleFirer expirySchedules;

    private LocalApi(HttpServer issuerServer, HttpServer apiServer, LambdaRuntimes functions, ContainerCredentials credentials,
                     TtlSweeper ttl, ScheduleFirer expirySchedules) {
        this.issuerServer = issuerServer;
        this.apiServer = apiServer;
        this.functions = functions;
        this.credentials = credentials;
        this.ttl = ttl;
        this.expirySchedules = expirySchedules;
    }

    public static void main(String[] argv) throws IOException {
        Args args = Args.parse(argv);
        Path template = Path.of(args.get("template", "template.yaml"));
        LocalApi api;
        try {
            api = start(template, Integer.parseInt(args.get("port", "3000")), Integer.parseInt(args.get("issuer-port", "3001")),
                    args.parameters(), readResources(Path.of(args.require("resources"))), args.get("registry-host", "127.0.0.1:5000"),
                    LocalRuntimeArgs.runtime(args, template));
        } catch (RuntimeException e) {
            // A server started before the failure would keep the JVM alive, answering on one port and not the other.
            e.printStackTrace();
            System.exit(1);
            return;
        }
        System.out.println("local API listening on http://127.0.0.1:" + api.apiServer.getAddress().getPort());
        Runtime.getRuntime().addShutdownHook(new Thread(api::stop));
    }

    /**
     * Starts both servers (port 0 picks a free one); template parameters not given default to the dev issuer's.
     * {@code physicalIds} names the provisioned table and keys by logical id, as {@code !Ref} resolves them;
     * {@code registryHost} is the registry the console's {@code docker login} line names.
     */
    public static LocalApi start(Path template, int port, int issuerPort, Map<String, String> parameters,
                                 Map<String, String> physicalIds, String registryHost, LocalRuntimeArgs.Settings settings)
            throws IOException {
        JsonNode templateTree = TemplateResources.readTemplate(template);
        Map<String, String> resolvedParameters = new HashMap<>(TemplateValues.parametersWithDefaults(templateTree, parameters));
        HttpServer apiServer = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        String apiUrl = "http://127.0.0.1:" + apiServer.getAddress().getPort();
        String consoleOrigin = "http://localhost:" + apiServer.getAddress().getPort();
        String consoleUrl = consoleOrigin + ConsoleSite.PATH;
        DevIssuer issuer = DevIssuer.start(issuerPort, parameters.getOrDefault("JwtAudience", "registry-tokens-local"),
                resolvedParameters.get("ManagementScope"), new DevIssuer.Client(resolvedParameters.get("ConsoleClientId"), consoleUrl));
        HttpServer issuerServer = issuer.server();
        resolvedParameters.putIfAbsent("JwtIssuer", issuer.issuer());
        resolvedParameters.putIfAbsent("JwtAudience", issuer.audience());
        TemplateValues values = new TemplateValues(resolvedParameters, physicalIds);
        Routes routes = Routes.fromTemplate(templateTree, values);
        ContainerCredentials credentials = ContainerCredentials.start(settings.awsEndpoint(), physicalIds);
        LambdaRuntimes functions = new LambdaRuntimes(LambdaFunctionSpec.fromTemplate(templateTree, values),
                settings.runtime(credentials, System.out));
        apiServer.createContext("/", new Gateway(routes, Cors.fromTemplate(templateTree, consoleOrigin), functions, System.out));
        apiServer.createContext(ConsoleSite.PATH, new ConsoleSite(template.toAbsolutePath().getParent().resolve("console"),
                new ConsoleSite.Settings(apiUrl, resolvedParameters.get("JwtIssuer"), resolvedParameters.get("ConsoleClientId"),
                        resolvedParameters.get("ManagementScope"), registryHost),
                System.out));
        apiServer.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        apiServer.start();
        System.out.println("console on " + consoleUrl);
        Gateway.describe(routes).forEach(route -> System.out.println("  " + route));
        // The emulator never deletes expired items; DynamoDB does, each on its own, some time after expiry.
        TtlSweeper ttl = TtlSweeper.forTable(new AwsEmulator.Stack(settings.awsEndpoint(), physicalIds).dynamoDb(),
                physicalIds.get("TokensTable"), TTL_MAX_DELAY);
        ttl.start(TTL_SCAN_INTERVAL);
        // The emulator never fires a schedule; Scheduler invokes the target's function (here, in its local runtime).
        ScheduleFirer expirySchedules = new ScheduleFirer(new AwsEmulator.Stack(settings.awsEndpoint(), physicalIds).scheduler(),
                physicalIds.get("ExpiryScheduleGroup"), (arn, input) -> {
                    String response = new String(functions.function(functionOfAlias(physicalIds, arn))
                            .invoke(input.getBytes(StandardCharsets.UTF_8)).response(), StandardCharsets.UTF_8);
                    if (response.contains("\"errorType\"")) {
                        throw new IllegalStateException(arn + " failed; the schedule stays, to fire again");
                    }
                });
        expirySchedules.start(SCHEDULE_INTERVAL);
        return new LocalApi(issuerServer, apiServer, functions, credentials, ttl, expirySchedules);
    }

    /** The logical id of the function whose alias ARN ({@code !Ref F.Alias}, as provisioned) a schedule targets. */
    private static String functionOfAlias(Map<String, String> physicalIds, String arn) {
        return physicalIds.entrySet().stream().filter(entry -> entry.getKey().endsWith(".Alias") && entry.getValue().equals(arn))
                .map(entry -> entry.getKey().substring(0, entry.getKey().length() - ".Alias".length())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("a schedule targets " + arn + ", no function's alias"));
    }

    /** The physical ids Provision wrote, by logical id. */
    static Map<String, String> readResources(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        Map<String, String> physicalIds = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> physicalIds.put(name, properties.getProperty(name)));
        return physicalIds;
    }

    public void stop() {
        apiServer.stop(0);
        ttl.close();
        expirySchedules.close();
        functions.close();
        credentials.close();
        issuerServer.stop(0);
    }
}
