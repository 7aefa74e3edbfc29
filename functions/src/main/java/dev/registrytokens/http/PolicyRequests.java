package dev.registrytokens.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.registrytokens.core.Cidrs;
import dev.registrytokens.core.NamespacePolicy;
import dev.registrytokens.core.Permission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Turns a {@code PUT …/policy} body into a policy; a field left out or null is no rule. Every rejection names its field. */
public final class PolicyRequests {
    private static final Set<String> FIELDS = Set.of("maxLifetimeDays", "allowNeverExpires", "allowedPermissions",
            "disableUnusedAfterDays", "defaultAllowedSources");

    private PolicyRequests() {
    }

    public static NamespacePolicy put(String namespace, ObjectNode body) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                throw ApiException.badRequest("unknown_field", "Unknown field; allowed fields are " + FIELDS + ".", field);
            }
        }
        return NamespacePolicy.of(namespace, days(body.get("maxLifetimeDays"), "maxLifetimeDays"),
                flag(body.get("allowNeverExpires")), permissions(body.get("allowedPermissions")),
                days(body.get("disableUnusedAfterDays"), "disableUnusedAfterDays"), sources(body.get("defaultAllowedSources")));
    }

    private static Integer days(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber() || !node.canConvertToExactIntegral() || !node.canConvertToInt()
                || node.intValue() < 1 || node.intValue() > NamespacePolicy.MAX_DAYS) {
            throw ApiException.badRequest(node.isNumber() ? "invalid_value" : "invalid_type",
                    field + " must be a whole number of days from 1 to " + NamespacePolicy.MAX_DAYS + ", or null for no rule.", field);
        }
        return node.intValue();
    }

    private static Boolean flag(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw ApiException.badRequest("invalid_type", "allowNeverExpires must be true, false or null.", "allowNeverExpires");
        }
        return node.booleanValue();
    }

    private static List<Permission> permissions(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.isEmpty()) {
            throw ApiException.badRequest(node.isArray() ? "invalid_value" : "invalid_type",
                    "allowedPermissions must be a non-empty list of PULL and PULL_PUSH, or null for any.", "allowedPermissions");
        }
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        for (int i = 0; i < node.size(); i++) {
            String field = "allowedPermissions[" + i + "]";
            JsonNode value = node.get(i);
            try {
                permissions.add(Permission.valueOf(value.isTextual() ? value.textValue() : ""));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid_value", field + " must be PULL or PULL_PUSH.", field);
            }
        }
        return NamespacePolicy.distinct(permissions);
    }

    private static List<String> sources(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.isEmpty() || node.size() > NamespacePolicy.MAX_SOURCES) {
            throw ApiException.badRequest(node.isArray() ? "invalid_value" : "invalid_type",
                    "defaultAllowedSources must hold 1 to " + NamespacePolicy.MAX_SOURCES + " CIDR blocks, or be null for anywhere.",
                    "defaultAllowedSources");
        }
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String field = "defaultAllowedSources[" + i + "]";
            JsonNode value = node.get(i);
            if (!value.isTextual()) {
                throw ApiException.badRequest("invalid_type", field + " must be a string.", field);
            }
            Cidrs.problemWith(value.textValue()).ifPresent(problem -> {
                throw ApiException.badRequest("invalid_value", field + " " + problem + ".", field);
            });
            sources.add(value.textValue());
        }
        return sources;
    }
}
