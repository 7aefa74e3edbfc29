package dev.registrytokens.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.testing.AwsEmulator;
import dev.registrytokens.testing.TemplateResources;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Creates the template's tables and keys in a running emulator, and the registry certificate that its custom
 * resource makes at deployment, and writes the functions' environment (the template's Environment variables,
 * with each !Ref resolved) as shell assignments, for the local API.
 */
public final class Provision {
    private Provision() {
    }

    public static void main(String[] argv) throws IOException {
        Args args = Args.parse(argv);
        URI endpoint = URI.create(args.require("endpoint"));
        JsonNode template = TemplateResources.readTemplate(Path.of(args.get("template", "template.yaml")));
        AwsEmulator.Stack bare = new AwsEmulator.Stack(endpoint, Map.of());
        Map<String, String> physicalIds = TemplateResources.provision(template, bare.dynamoDb(), bare.kms(), "local-");
        Map<String, String> environment = functionEnvironment(template,
                new TemplateValues(TemplateValues.parametersWithDefaults(template, args.parameters()), physicalIds));
        StringBuilder lines = new StringBuilder();
        // Shell-quoted, for ./dev to source.
        environment.forEach((name, value) -> lines.append(name).append("='").append(value.replace("'", "'\\''")).append("'\n"));
        Files.writeString(Path.of(args.require("out")), lines);
        System.out.print(lines);
    }

    /** Every function's variables; the local API runs them in one process, so they must agree. */
    static Map<String, String> functionEnvironment(JsonNode template, TemplateValues values) {
        Map<String, String> environment = new LinkedHashMap<>();
        template.get("Resources").properties().forEach(resource -> {
            if (resource.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                functionEnvironment(template, values, resource.getKey()).forEach((name, value) -> {
                    String earlier = environment.putIfAbsent(name, value);
                    if (earlier != null && !earlier.equals(value)) {
                        throw new IllegalStateException("functions disagree on " + name + "; the local API shares one environment");
                    }
                });
            }
        });
        return environment;
    }

    /** One function's variables, as Lambda gives them to it: the Globals', then its own. */
    static Map<String, String> functionEnvironment(JsonNode template, TemplateValues values, String functionLogicalId) {
        Map<String, String> environment = new LinkedHashMap<>();
        template.at("/Globals/Function/Environment/Variables").properties()
                .forEach(variable -> environment.put(variable.getKey(), values.resolve(variable.getValue())));
        template.get("Resources").path(functionLogicalId).at("/Properties/Environment/Variables").properties()
                .forEach(variable -> environment.put(variable.getKey(), values.resolve(variable.getValue())));
        return environment;
    }
}
