package dev.registrytokens.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CloudFormation's checks of a deployment's parameter values, applied locally as a stack create applies them before
 * it makes anything: each parameter's {@code AllowedValues}, {@code MinValue} and {@code MaxValue}, then every rule
 * of the {@code Rules} section whose {@code RuleCondition} holds must have each {@code Assert} hold, or the deployment
 * is refused with the rules' {@code AssertDescription}s. Rule functions: Fn::Equals, Fn::Contains, Fn::And, Fn::Or,
 * Fn::Not, over Refs to parameters and literals.
 */
final class TemplateRules {
    private static final String LOCAL_REGION = "us-east-1";
    private TemplateRules() {
    }

    /** Refuses the values as CloudFormation would: an IllegalArgumentException naming every problem. */
    static void check(JsonNode template, Map<String, String> parameters) {
        List<String> problems = new ArrayList<>();
        template.path("Parameters").properties().forEach(declared -> {
            String name = declared.getKey();
            JsonNode declaration = declared.getValue();
            String value = parameters.get(name);
            if (value == null) {
                return;
            }
            JsonNode allowed = declaration.path("AllowedValues");
            if (allowed.isArray() && allowed.valueStream().noneMatch(option -> option.asText().equals(value))) {
                problems.add("Parameter '" + name + "' must be one of AllowedValues " + allowed + ", not " + value);
            }
            if (declaration.has("MinValue") || declaration.has("MaxValue")) {
                double number;
                try {
                    number = Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    problems.add("Parameter '" + name + "' must be a number, not " + value);
                    return;
                }
                if (declaration.has("MinValue") && number < declaration.get("MinValue").asDouble()) {
                    problems.add("Parameter '" + name + "' must be at least " + declaration.get("MinValue").asText());
                }
                if (declaration.has("MaxValue") && number > declaration.get("MaxValue").asDouble()) {
                    problems.add("Parameter '" + name + "' must be at most " + declaration.get("MaxValue").asText());
                }
            }
        });
        template.path("Rules").properties().forEach(rule -> {
            JsonNode condition = rule.getValue().path("RuleCondition");
            if (!condition.isMissingNode() && !truth(condition, parameters)) {
                return;
            }
            for (JsonNode assertion : rule.getValue().path("Assertions")) {
                if (!truth(assertion.get("Assert"), parameters)) {
                    problems.add(rule.getKey() + ": " + assertion.path("AssertDescription").asText("assertion failed"));
                }
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("The template's parameter checks refuse these values: " + String.join("; ", problems));
        }
    }

    private static boolean truth(JsonNode function, Map<String, String> parameters) {
        var entry = function.properties().iterator().next();
        JsonNode arguments = entry.getValue();
        return switch (entry.getKey()) {
            case "Fn::Equals" -> value(arguments.get(0), parameters).equals(value(arguments.get(1), parameters));
            case "Fn::Contains" -> {
                String needle = value(arguments.get(1), parameters);
                yield arguments.get(0).valueStream().anyMatch(option -> value(option, parameters).equals(needle));
            }
            case "Fn::And" -> arguments.valueStream().allMatch(argument -> truth(argument, parameters));
            case "Fn::Or" -> arguments.valueStream().anyMatch(argument -> truth(argument, parameters));
            case "Fn::Not" -> !truth(arguments.get(0), parameters);
            default -> throw new IllegalArgumentException("rule function " + entry.getKey() + " is not evaluated locally");
        };
    }

    private static String value(JsonNode node, Map<String, String> parameters) {
        if (node.isValueNode()) {
            return node.asText();
        }
        if (node.has("Ref")) {
            String name = node.get("Ref").asText();
            // The pseudo parameters a rule may name, as a local stack has them.
            String value = name.equals("AWS::Region") ? parameters.getOrDefault(name, LOCAL_REGION) : parameters.get(name);
            if (value == null) {
                throw new IllegalArgumentException("a rule refers to parameter " + name + ", which has no value");
            }
            return value;
        }
        throw new IllegalArgumentException("cannot evaluate " + node + " in a rule locally");
    }
}
