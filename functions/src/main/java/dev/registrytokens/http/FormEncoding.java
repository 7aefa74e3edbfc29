package dev.registrytokens.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one decoder of {@code application/x-www-form-urlencoded} text: query strings and form bodies. Strict: a
 * {@code %} not followed by two hex digits, or bytes that are not UTF-8, make the whole text {@link Malformed}
 * rather than being guessed at. {@code +} is a space.
 */
public final class FormEncoding {
    private FormEncoding() {
    }

    /** Thrown for text that is not valid form encoding; its message says what is wrong, never the text itself. */
    public static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** Each name's values, in order of appearance; empty pairs ({@code a=1&&b=2}) are skipped. */
    public static Map<String, List<String>> decode(String encoded) throws Malformed {
        Map<String, List<String>> decoded = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return decoded;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = component(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : component(pair.substring(equals + 1));
            decoded.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return decoded;
    }

    private static String component(String encoded) throws Malformed {
        if (encoded.indexOf('%') < 0 && encoded.indexOf('+') < 0) {
            return encoded;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                int high = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
                int low = high < 0 ? -1 : Character.digit(encoded.charAt(i + 2), 16);
                if (low < 0) {
                    throw new Malformed("'%' must be followed by two hexadecimal digits");
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else {
                int end = i + 1;
                while (end < encoded.length() && encoded.charAt(end) != '%' && encoded.charAt(end) != '+') {
                    end++;
                }
                bytes.writeBytes(encoded.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed("percent-encoded bytes must be UTF-8");
        }
    }
}
