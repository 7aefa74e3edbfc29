package dev.registrytokens.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.registrytokens.testkit.TemplateResources;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code ./dev invoke}: the Docker-free counterpart of {@code sam local invoke -e}. Runs one function of the
 * template from its sam build artefact in a fresh local Lambda runtime, invokes it once with an event, prints the
 * response JSON on stdout and the function's logs on stderr.
 */
public final class LocalInvoke {
    private static final ObjectMapper JSON = new ObjectMapper();
    private LocalInvoke() {
    }

    public static void main(String[] argv) throws IOException {
        Args args = Args.parse(argv);
        Path template = Path.of(args.get("template", "template.yaml"));
        String function = args.require("function");
        Path event = Path.of(args.get("event", template.toAbsolutePath().getParent().resolve("events").resolve(eventFileOf(function)).toString()));
        JsonNode templateTree = TemplateResources.readTemplate(template);
        Map<String, String> physicalIds = LocalApi.readResources(Path.of(args.require("resources")));
        TemplateValues values = values(templateTree, args, physicalIds);
        Map<String, LambdaFunctionSpec> functions = LambdaFunctionSpec.fromTemplate(templateTree, values);
        if (!functions.containsKey(function)) {
            System.err.println("template.yaml has no function " + function + "; it has " + String.join(", ", functions.keySet()));
            System.exit(2);
        }
        HttpServer cloudFormation = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        cloudFormation.createContext("/", exchange -> {
            try (exchange) {
                System.err.println("CloudFormation received: " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(200, -1);
            }
        });
        cloudFormation.start();
        LocalRuntimeArgs.Settings settings = LocalRuntimeArgs.runtime(args, template);
        try (ContainerCredentials credentials = ContainerCredentials.start(settings.awsEndpoint(), physicalIds);
             LocalLambda lambda = new LocalLambda(functions.get(function), settings.runtime(credentials, System.err))) {
            byte[] response = lambda.invoke(asCloudFormationSends(Files.readAllBytes(event), templateTree, values, cloudFormation)).response();
            System.out.println(new String(response, StandardCharsets.UTF_8));
        } finally {
            cloudFormation.stop(0);
        }
    }

    /** The template's functions, their variables resolved to this stack's resources and the given parameters. */
    static Map<String, LambdaFunctionSpec> functions(Path template, Args args, Map<String, String> physicalIds) {
        JsonNode templateTree = TemplateResources.readTemplate(template);
        return LambdaFunctionSpec.fromTemplate(templateTree, values(templateTree, args, physicalIds));
    }

    private static TemplateValues values(JsonNode template, Args args, Map<String, String> physicalIds) {
        Map<String, String> parameters = new HashMap<>(TemplateValues.parametersWithDefaults(template, args.parameters()));
        // Functions never read the JWT parameters; the HTTP API's authorizer does.
        parameters.putIfAbsent("JwtIssuer", "https://issuer.invalid/");
        parameters.putIfAbsent("JwtAudience", "registry-tokens-local");
        return new TemplateValues(parameters, physicalIds);
    }

    /**
     * A custom resource event as CloudFormation sends it for this stack: the resource's properties from the template,
     * resolved to this stack's physical ids (the event file's are an example stack's), and a pre-signed ResponseURL that
     * is locally a server here, which prints what CloudFormation would receive. Other events go as they are.
     */
    private static byte[] asCloudFormationSends(byte[] event, JsonNode template, TemplateValues values, HttpServer cloudFormation)
            throws IOException {
        JsonNode tree = JSON.readTree(event);
        if (!tree.has("ResponseURL")) {
            return event;
        }
        ObjectNode request = (ObjectNode) tree;
        request.put("ResponseURL", "http://127.0.0.1:" + cloudFormation.getAddress().getPort() + "/response");
        JsonNode resource = template.path("Resources").path(tree.path("LogicalResourceId").asText());
        if (resource.has("Properties")) {
            ObjectNode properties = (ObjectNode) request.withObject("/ResourceProperties");
            resource.get("Properties").properties().forEach(property -> {
                if (!property.getKey().equals("ServiceToken")) {
                    properties.put(property.getKey(), values.resolve(property.getValue()));
                }
            });
        }
        return JSON.writeValueAsBytes(request);
    }

    /** The function's event in events/: its logical id without "Function", in kebab case. */
    static String eventFileOf(String logicalId) {
        return logicalId.replaceFirst("Function$", "").replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase() + ".json";
    }
}
