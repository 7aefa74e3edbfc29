package dev.registrytokens.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.testing.TemplateResources;
import java.io.IOException;
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
    private LocalInvoke() {
    }

    public static void main(String[] argv) throws IOException {
        Args args = Args.parse(argv);
        Path template = Path.of(args.get("template", "template.yaml"));
        String function = args.require("function");
        Path event = Path.of(args.get("event", template.toAbsolutePath().getParent().resolve("events").resolve(eventFileOf(function)).toString()));
        JsonNode templateTree = TemplateResources.readTemplate(template);
        Map<String, String> parameters = new HashMap<>(TemplateValues.parametersWithDefaults(templateTree, args.parameters()));
        // Functions never read the JWT parameters; the HTTP API's authorizer does.
        parameters.putIfAbsent("JwtIssuer", "https://issuer.invalid/");
        parameters.putIfAbsent("JwtAudience", "registry-tokens-local");
        Map<String, LambdaFunctionSpec> functions = LambdaFunctionSpec.fromTemplate(templateTree,
                new TemplateValues(parameters, LocalApi.readResources(Path.of(args.require("resources")))));
        if (!functions.containsKey(function)) {
            System.err.println("template.yaml has no function " + function + "; it has " + String.join(", ", functions.keySet()));
            System.exit(2);
        }
        try (ContainerCredentials credentials = ContainerCredentials.start();
             LocalLambda lambda = new LocalLambda(functions.get(function),
                     LocalRuntimeArgs.runtime(args, template).runtime(credentials, System.err))) {
            byte[] response = lambda.invoke(Files.readAllBytes(event)).response();
            System.out.println(new String(response, StandardCharsets.UTF_8));
        }
    }

    /** The function's event in events/: its logical id without "Function", in kebab case. */
    static String eventFileOf(String logicalId) {
        return logicalId.replaceFirst("Function$", "").replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase() + ".json";
    }
}
