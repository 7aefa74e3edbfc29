package dev.registrytokens.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FormEncodingTest {
    @Test
    void decodesPercentEncodingPlusAsSpaceAndKeepsRepeatedNamesInOrder() throws Exception {
        assertEquals(Map.of("scope", List.of("repository:acme/app:pull,push", "repository:acme/b c:pull"), "service", List.of("registry.local")),
                FormEncoding.decode("scope=repository%3Aacme%2Fapp%3Apull%2Cpush&service=registry.local&scope=repository:acme/b+c:pull"));
    }

    @Test
    void decodesMultiByteUtf8AndKeepsUnencodedText() throws Exception {
        assertEquals(Map.of("name", List.of("Zürich ✓")), FormEncoding.decode("name=Z%C3%BCrich+%E2%9C%93"));
        assertEquals(Map.of("d", List.of("Zürich")), FormEncoding.decode("d=Zürich"));
    }

    @Test
    void aNameWithoutValueIsEmptyAndEmptyPairsAreSkipped() throws Exception {
        assertEquals(Map.of("a", List.of(""), "b", List.of("2")), FormEncoding.decode("a&&b=2&"));
        assertEquals(Map.of(), FormEncoding.decode(""));
        assertEquals(Map.of(), FormEncoding.decode(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scope=%zz", "scope=%", "scope=%4", "x=1&%zz=2", "a=%ff", "a=%C3", "a=%ED%A0%80"})
    void malformedPercentEncodingOrUtf8IsRefused(String encoded) {
        assertThrows(FormEncoding.Malformed.class, () -> FormEncoding.decode(encoded));
    }
}
