package dev.registrytokens.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Resolves the few intrinsic functions the local tools need: {@code Ref} to a parameter or a resource, and
 * {@code GetAtt X.Arn} of a resource provisioned with its ARN (a role).
 */
final class TemplateValues {
    private final Map<String, String> parameters;
    private final Map<String, String> physicalIds;

    TemplateValues(Map<String, String> parameters, Map<String, String> physicalIds) {
        this.parameters = parameters;
        this.physicalIds = physicalIds;
    }

    /**
     * The given parameter values over the template's defaults, as a deployment would see them; refused, as a deployment
     * would refuse them, where the template's parameter constraints or Rules say no.
     */
    static Map<String, String> parametersWithDefaults(JsonNode template, Map<String, String> given) {
        Map<String, String> parameters = new java.util.LinkedHashMap<>();
        template.path("Parameters").properties().forEach(parameter -> {
            if (parameter.getValue().has("Default")) {
                parameters.put(parameter.getKey(), parameter.getValue().get("Default").asText());
            }
        });
        parameters.putAll(given);
        TemplateRules.check(template, parameters);
        return parameters;
    }

    String resolve(JsonNode value) {
        if (value.isValueNode()) {
            return value.asText();
        }
        if (value.has("Ref")) {
            String name = value.get("Ref").asText();
            String resolved = parameters.containsKey(name) ? parameters.get(name) : physicalIds.get(name);
            if (resolved == null) {
                throw new IllegalArgumentException("no local value for !Ref " + name + " (pass --param " + name + "=...)");
            }
            return resolved;
        }
        if (value.has("Fn::GetAtt") && value.get("Fn::GetAtt").get(1).asText().equals("Arn")) {
            String name = value.get("Fn::GetAtt").get(0).asText();
            String arn = physicalIds.get(name + ".Arn");
            if (arn == null) {
                throw new IllegalArgumentException("no local value for !GetAtt " + name + ".Arn");
            }
            return arn;
        }
        throw new IllegalArgumentException("cannot resolve " + value + " locally");
    }
}
