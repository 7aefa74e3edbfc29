package dev.registrytokens.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A function as template.yaml declares it (its Globals applied): what the local Lambda runtime needs to run
 * its {@code sam build} artefact as Lambda would.
 */
record LambdaFunctionSpec(String logicalId, String handler, int memorySize, int timeout, boolean snapStart,
                          Map<String, String> environment) {

    /** Every AWS::Serverless::Function in the template, by logical id, with its variables resolved. */
    static Map<String, LambdaFunctionSpec> fromTemplate(JsonNode template, TemplateValues values) {
        JsonNode globals = template.at("/Globals/Function");
        Map<String, LambdaFunctionSpec> functions = new LinkedHashMap<>();
        template.get("Resources").properties().forEach(resource -> {
            if (!resource.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                return;
            }
            JsonNode properties = resource.getValue().path("Properties");
            Map<String, String> environment = new LinkedHashMap<>();
            for (JsonNode scope : new JsonNode[] {globals, properties}) {
                scope.at("/Environment/Variables").properties()
                        .forEach(variable -> environment.put(variable.getKey(), values.resolve(variable.getValue())));
            }
            functions.put(resource.getKey(), new LambdaFunctionSpec(
                    resource.getKey(),
                    setting(properties, globals, "Handler").asText(),
                    setting(properties, globals, "MemorySize").asInt(128),
                    setting(properties, globals, "Timeout").asInt(3),
                    setting(properties, globals, "SnapStart").path("ApplyOn").asText("None").equals("PublishedVersions"),
                    environment));
        });
        return functions;
    }

    /** A function's own property, else the Globals one, as SAM merges them. */
    private static JsonNode setting(JsonNode properties, JsonNode globals, String name) {
        return properties.has(name) ? properties.get(name) : globals.path(name);
    }
}
