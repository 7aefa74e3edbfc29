package dev.registrytokens.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.registrytokens.core.CreateTokenRequest;
import dev.registrytokens.core.EditTokenRequest;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.RepositoryRule;
import dev.registrytokens.core.SourceRanges;
import dev.registrytokens.core.TokenService;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns request bodies into validated requests; every rejection names the offending field. Text is stored and shown
 * back to people, so names and descriptions may hold no lone surrogate, control character or bidirectional control
 * (which can make a listing read other than it is), and lengths count Unicode code points, as people count characters.
 */
public final class TokenRequests {
    static final int MAX_DAYS = 3650;
    static final int MAX_DESCRIPTION_LENGTH = 256;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Set<String> CREATE_FIELDS = Set.of("name", "permission", "repositories", "expiresInDays", "description", "allowedSources");
    private static final Set<String> RULE_FIELDS = Set.of("pattern", "permission");
    private static final Set<String> EDIT_FIELDS = Set.of("permission", "repositories", "expiresInDays", "description", "allowedSources");
    private static final Set<String> RESET_FIELDS = Set.of("graceSeconds");

    private TokenRequests() {
    }

    public static CreateTokenRequest create(ObjectNode body) {
        rejectUnknownFields(body, CREATE_FIELDS);
        if (!body.has("name")) {
            throw ApiException.badRequest("missing_field", "name is required.", "name");
        }
        if (!body.has("permission")) {
            throw ApiException.badRequest("missing_field", "permission is required: PULL or PULL_PUSH.", "permission");
        }
        if (!body.has("expiresInDays")) {
            throw ApiException.badRequest("missing_field",
                    "expiresInDays is required: a whole number of days from 1 to " + MAX_DAYS
                            + ", or null for a token that never expires.", "expiresInDays");
        }
        return new CreateTokenRequest(name(body.get("name")), permission(body.get("permission"), "permission"),
                repositories(body.get("repositories")), expiresInDays(body.get("expiresInDays")), description(body.get("description")),
                allowedSources(body.get("allowedSources")));
    }

    public static EditTokenRequest edit(ObjectNode body) {
        rejectUnknownFields(body, EDIT_FIELDS);
        if (body.isEmpty()) {
            throw ApiException.badRequest("empty_edit",
                    "Give at least one of permission, repositories, expiresInDays, description or allowedSources.", null);
        }
        return new EditTokenRequest(
                body.has("permission") ? permission(body.get("permission"), "permission") : null,
                body.has("repositories"), repositories(body.get("repositories")),
                body.has("expiresInDays"), expiresInDays(body.get("expiresInDays")),
                body.has("description"), description(body.get("description")),
                body.has("allowedSources"), allowedSources(body.get("allowedSources")));
    }

    /** A reset's grace in seconds: 0 when there is no body, or it leaves graceSeconds out. */
    public static int resetGraceSeconds(ObjectNode body) {
        if (body == null) {
            return 0;
        }
        rejectUnknownFields(body, RESET_FIELDS);
        JsonNode node = body.get("graceSeconds");
        if (node == null) {
            return 0;
        }
        if (!node.isNumber() || !node.canConvertToExactIntegral() || !node.canConvertToInt()
                || node.intValue() < 0 || node.intValue() > TokenService.MAX_GRACE_SECONDS) {
            throw ApiException.badRequest(node.isNumber() ? "invalid_value" : "invalid_type",
                    "graceSeconds must be a whole number of seconds from 0 to " + TokenService.MAX_GRACE_SECONDS
                            + ": how long the old secret keeps working.", "graceSeconds");
        }
        return node.intValue();
    }

    /** Null (or left out): logins from anywhere. Otherwise 1 to 20 CIDR blocks, stored in normal form. */
    private static List<String> allowedSources(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw ApiException.badRequest("invalid_type",
                    "allowedSources must be a list of CIDR blocks, or null for anywhere.", "allowedSources");
        }
        List<String> ranges = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual()) {
                throw ApiException.badRequest("invalid_type", "allowedSources entry " + i + " must be a string.", "allowedSources");
            }
            ranges.add(node.get(i).textValue());
        }
        try {
            return SourceRanges.normalize(ranges);
        } catch (SourceRanges.Invalid invalid) {
            throw ApiException.badRequest("invalid_value", "allowedSources " + invalid.getMessage() + ".", "allowedSources");
        }
    }

    private static void rejectUnknownFields(ObjectNode body, Set<String> known) {
        rejectUnknownFields(body, known, "");
    }

    private static void rejectUnknownFields(ObjectNode body, Set<String> known, String prefix) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!known.contains(field)) {
                throw ApiException.badRequest("unknown_field", "Unknown field; allowed fields are " + known + ".", prefix + field);
            }
        }
    }

    private static String name(JsonNode node) {
        String name = requiredString(node, "name");
        rejectUnsafeText(name, "name");
        if (name.length() > 64 || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest("invalid_value",
                    "name must be 1 to 64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit.", "name");
        }
        return name;
    }

    private static Permission permission(JsonNode node, String field) {
        String value = requiredString(node, field);
        try {
            return Permission.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_value", field + " must be PULL or PULL_PUSH.", field);
        }
    }

    /** Null (or left out): every repository of the namespace. Otherwise 1 to 100 rules, each field named on error. */
    private static List<RepositoryRule> repositories(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw ApiException.badRequest("invalid_type",
                    "repositories must be a list of {\"pattern\", \"permission\"} rules, or null for every repository.", "repositories");
        }
        if (node.isEmpty() || node.size() > RepositoryRule.MAX_RULES) {
            throw ApiException.badRequest("invalid_value", "repositories must hold 1 to " + RepositoryRule.MAX_RULES
                    + " rules, or be null for every repository.", "repositories");
        }
        List<RepositoryRule> rules = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String field = "repositories[" + i + "]";
            if (!(node.get(i) instanceof ObjectNode rule)) {
                throw ApiException.badRequest("invalid_type", field + " must be an object with pattern and permission.", field);
            }
            rejectUnknownFields(rule, RULE_FIELDS, field + ".");
            if (!rule.has("pattern")) {
                throw ApiException.badRequest("missing_field", field + ".pattern is required.", field + ".pattern");
            }
            if (!rule.has("permission")) {
                throw ApiException.badRequest("missing_field", field + ".permission is required: PULL or PULL_PUSH.", field + ".permission");
            }
            String pattern = requiredString(rule.get("pattern"), field + ".pattern");
            RepositoryRule.problemWith(pattern).ifPresent(problem -> {
                throw ApiException.badRequest("invalid_value", field + ".pattern " + problem + ".", field + ".pattern");
            });
            rules.add(new RepositoryRule(pattern, permission(rule.get("permission"), field + ".permission")));
        }
        return List.copyOf(rules);
    }

    private static Integer expiresInDays(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        // JSON has one number type: 30.0 is the whole number 30 (as JSON Schema counts it), 1.5 is not.
        if (!node.isNumber() || !node.canConvertToExactIntegral() || !node.canConvertToInt() || node.intValue() < 1 || node.intValue() > MAX_DAYS) {
            throw ApiException.badRequest(node.isNumber() ? "invalid_value" : "invalid_type",
                    "expiresInDays must be a whole number of days from 1 to " + MAX_DAYS
                            + ", or null for a token that never expires.", "expiresInDays");
        }
        return node.intValue();
    }

    private static String description(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.badRequest("invalid_type", "description must be a string or null.", "description");
        }
        String description = node.textValue();
        rejectUnsafeText(description, "description");
        if (description.codePointCount(0, description.length()) > MAX_DESCRIPTION_LENGTH) {
            throw ApiException.badRequest("invalid_value",
                    "description must be at most " + MAX_DESCRIPTION_LENGTH + " characters.", "description");
        }
        return description;
    }

    /**
     * Unicode's Bidi_Control characters: the Arabic letter mark, the left-to-right and right-to-left marks, and the
     * embeddings, overrides and isolates with their terminators.
     */
    private static boolean isBidiControl(int codePoint) {
        return codePoint == 0x061C || codePoint == 0x200E || codePoint == 0x200F
                || (codePoint >= 0x202A && codePoint <= 0x202E) || (codePoint >= 0x2066 && codePoint <= 0x2069);
    }

    /** Lone surrogates (not text at all), control characters (Cc, C0 and C1) and bidirectional controls. */
    private static void rejectUnsafeText(String text, String field) {
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            if (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE) {
                throw ApiException.badRequest("invalid_value", field + " holds a lone UTF-16 surrogate, which is not a character.", field);
            }
            if (Character.getType(codePoint) == Character.CONTROL) {
                throw ApiException.badRequest("invalid_value", field + " may not hold control characters.", field);
            }
            if (isBidiControl(codePoint)) {
                throw ApiException.badRequest("invalid_value", field + " may not hold bidirectional control characters.", field);
            }
            i += Character.charCount(codePoint);
        }
    }

    private static String requiredString(JsonNode node, String field) {
        if (node == null || !node.isTextual()) {
            throw ApiException.badRequest("invalid_type", field + " must be a string.", field);
        }
        return node.textValue();
    }
}
