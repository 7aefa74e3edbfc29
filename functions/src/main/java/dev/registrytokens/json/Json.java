package dev.registrytokens.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one JSON mapper: strict on input (duplicate keys are an error), plain on output. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {
    }

    public static String write(Object value) {
        return write(MAPPER, value);
    }

    /** With a mapper derived from {@link #MAPPER} (a copy with mix-ins, say). */
    public static String write(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response not serialisable: " + value.getClass().getName(), e);
        }
    }
}
