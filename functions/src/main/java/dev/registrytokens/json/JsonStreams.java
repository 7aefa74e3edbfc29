package dev.registrytokens.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Jackson's streaming parser and generator, without databind: for the Lambda events and answers of the hot-path
 * handlers, which the runtime would otherwise map with its own (second) copy of Jackson databind.
 */
public final class JsonStreams {
    public static final JsonFactory FACTORY = JsonFactory.builder().build();

    private JsonStreams() {
    }

    /** Expects the parser at a value's first token: that value must be an object (or null); anything else is an error. */
    public static boolean startObject(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return false;
        }
        if (token != JsonToken.START_OBJECT) {
            throw new IOException("expected a JSON object at " + parser.currentLocation());
        }
        return true;
    }

    /** An object of strings (null for an absent or null object); a scalar value counts as its text, a structure is skipped. */
    public static Map<String, String> stringMap(JsonParser parser) throws IOException {
        if (!startObject(parser)) {
            return null;
        }
        Map<String, String> map = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value.isScalarValue()) {
                map.put(name, value == JsonToken.VALUE_NULL ? null : parser.getText());
            } else {
                parser.skipChildren();
            }
        }
        return map;
    }

    /** An object of scalars as strings, numbers and booleans (null for an absent or null object); structures are skipped. */
    public static Map<String, Object> scalarMap(JsonParser parser) throws IOException {
        if (!startObject(parser)) {
            return null;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (value) {
                case VALUE_STRING -> map.put(name, parser.getText());
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> map.put(name, parser.getNumberValue());
                case VALUE_TRUE, VALUE_FALSE -> map.put(name, parser.getBooleanValue());
                case VALUE_NULL -> map.put(name, null);
                default -> parser.skipChildren();
            }
        }
        return map;
    }

    /** An array of strings (null for an absent or null array). */
    public static List<String> stringList(JsonParser parser) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw new IOException("expected a JSON array at " + parser.currentLocation());
        }
        List<String> list = new ArrayList<>();
        for (JsonToken value = parser.nextToken(); value != JsonToken.END_ARRAY; value = parser.nextToken()) {
            if (!value.isScalarValue()) {
                throw new IOException("expected a string at " + parser.currentLocation());
            }
            list.add(value == JsonToken.VALUE_NULL ? null : parser.getText());
        }
        return list;
    }

    /** The text of a scalar value (null for null); a structure is an error. */
    public static String text(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (!token.isScalarValue()) {
            throw new IOException("expected a string at " + parser.currentLocation());
        }
        return token == JsonToken.VALUE_NULL ? null : parser.getText();
    }

    /** Writes {@code name: {...}} of strings, numbers, booleans and nulls (other values as their text), unless the map is null. */
    public static void writeMap(JsonGenerator generator, String name, Map<String, ?> map) throws IOException {
        if (map == null) {
            return;
        }
        generator.writeObjectFieldStart(name);
        for (Map.Entry<String, ?> entry : map.entrySet()) {
            generator.writeFieldName(entry.getKey());
            switch (entry.getValue()) {
                case null -> generator.writeNull();
                case Boolean flag -> generator.writeBoolean(flag);
                case Integer number -> generator.writeNumber(number);
                case Long number -> generator.writeNumber(number);
                case Number number -> generator.writeNumber(number.toString());
                default -> generator.writeString(entry.getValue().toString());
            }
        }
        generator.writeEndObject();
    }
}
