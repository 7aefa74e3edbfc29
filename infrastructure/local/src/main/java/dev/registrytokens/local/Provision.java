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
 * Creates the template's tables and keys in a running emulator and writes the functions' environment
 * (the template's Environment variables, with each !Ref resolved) as shell assignments, for the local API.
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
        template.at("/Globals/Function/Environment/Variables").properties()
                .forEach(variable -> environment.put(variable.getKey(), values.resolve(variable.getValue())));
        for (JsonNode resource : template.get("Resources")) {
            resource.at("/Properties/Environment/Variables").properties().forEach(variable -> {
                String value = values.resolve(variable.getValue());
                String earlier = environment.putIfAbsent(variable.getKey(), value);
                if (earlier != null && !earlier.equals(value)) {
                    throw new IllegalStateException("functions disagree on " + variable.getKey() + "; the local API shares one environment");
                }
            });
        }
        return environment;
    }
}
