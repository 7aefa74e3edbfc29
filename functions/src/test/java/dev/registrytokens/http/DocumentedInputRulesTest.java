package dev.registrytokens.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.registrytokens.testkit.OpenApiContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document's patterns say exactly what the server accepts: a value the pattern allows is accepted, and one
 * it refuses is a 400, for every code point in a name or a description and for a catalogue of If-Match values.
 * (The patterns are ECMA-262 regular expressions that Java's engine reads alike: anchored, classes and escapes only.)
 */
class DocumentedInputRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Pattern documented(String pointer) {
        return Pattern.compile(OpenApiContract.document().at(pointer).asText());
    }

    /** Every code point of the BMP (surrogates alone, as a lone one), and every 97th beyond, with the planes' ends. */
    private static List<Integer> codePoints() {
        List<Integer> codePoints = new ArrayList<>(IntStream.rangeClosed(0, 0xFFFF).boxed().toList());
        IntStream.iterate(0x10000, cp -> cp <= Character.MAX_CODE_POINT, cp -> cp + 97).forEach(codePoints::add);
        IntStream.rangeClosed(1, 16).forEach(plane -> {
            codePoints.add(plane * 0x10000 + 0xFFFE);
            codePoints.add(plane * 0x10000 + 0xFFFF);
        });
        return codePoints;
    }

    private static boolean serverAccepts(String name, String description) {
        ObjectNode body = JSON.createObjectNode().put("name", name).put("permission", "PULL").put("expiresInDays", 1).put("description", description);
        try {
            TokenRequests.create(body);
            return true;
        } catch (ApiException refused) {
            assertEquals(400, refused.status());
            return false;
        }
    }

    @Test
    void theDescriptionPatternAcceptsExactlyTheCodePointsTheServerAccepts() {
        Pattern pattern = documented("/components/schemas/Description/pattern");
        List<String> disagreements = new ArrayList<>();
        int refused = 0;
        for (int codePoint : codePoints()) {
            String description = "a" + new String(Character.toChars(codePoint)) + "b";
            boolean server = serverAccepts("ci", description);
            refused += server ? 0 : 1;
            if (pattern.matcher(description).matches() != server) {
                disagreements.add(String.format("U+%04X (server %s)", codePoint, server ? "accepts" : "refuses"));
            }
        }
        assertTrue(disagreements.isEmpty(), () -> disagreements.size() + " code points: " + disagreements.subList(0, Math.min(20, disagreements.size())));
        // Cc (65), Bidi_Control (12) and the surrogates (2048).
        assertEquals(65 + 12 + 2048, refused);
    }

    @Test
    void theNamePatternAcceptsExactlyTheCodePointsTheServerAccepts() {
        Pattern pattern = documented("/components/schemas/CreateTokenRequest/properties/name/pattern");
        List<String> disagreements = new ArrayList<>();
        for (int codePoint : codePoints()) {
            String name = "a" + new String(Character.toChars(codePoint));
            if (pattern.matcher(name).matches() != serverAccepts(name, null)) {
                disagreements.add(String.format("U+%04X", codePoint));
            }
        }
        assertTrue(disagreements.isEmpty(), () -> disagreements.size() + " code points: " + disagreements.subList(0, Math.min(20, disagreements.size())));
    }

    /**
     * If-Match values, each with no whitespace at either end: HTTP strips that from every field value before the API
     * sees it (RFC 9110 section 5.5).
     */
    @Test
    void theIfMatchPatternAcceptsExactlyTheValuesTheServerParses() {
        Pattern pattern = documented("/components/parameters/IfMatch/schema/pattern");
        List<String> values = new ArrayList<>(List.of("*", "**", "0", "3", "03", "-1", "+3", "3.0", "123456789012345678",
                "1234567890123456789", "\"3\"", "W/\"3\"", "w/\"3\"", "W/3", "\"\"", "W/\"\"", "\"03\"", "\"abc\"", "\"", "\"3",
                "3\"", "\"3\",\"4\"", "\"3\", \"4\"", "*, \"3\"", "\"a b\"", "\"a\"b\"", "W/ \"3\"", "\"3\"W/", "x"));
        // One of every character from U+0000 to U+017F as the whole of an entity-tag's opaque part, and alone.
        for (char c = 0; c <= 0x17F; c++) {
            values.add("\"" + c + "\"");
            if (c != ' ' && c != '\t') {
                values.add(String.valueOf(c));
            }
        }
        List<String> disagreements = new ArrayList<>();
        for (String value : values) {
            boolean server = serverParses(value);
            if (pattern.matcher(value).matches() != server) {
                disagreements.add("[" + value + "] (server " + (server ? "accepts" : "refuses") + ")");
            }
        }
        assertTrue(disagreements.isEmpty(), () -> disagreements.toString());
    }

    private static boolean serverParses(String ifMatch) {
        ApiRequest request = new ApiRequest(APIGatewayV2HTTPEvent.builder().withHeaders(Map.of("if-match", ifMatch)).build());
        try {
            request.ifMatch();
            return true;
        } catch (ApiException refused) {
            assertEquals(400, refused.status());
            return false;
        }
    }
}
