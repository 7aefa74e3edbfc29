package dev.registrytokens.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class BasicCredentialsTest {
    private static String basic(String text) {
        return "Basic " + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void splitsAtTheFirstColon() {
        var credentials = BasicCredentials.parse(basic("acme+ci:se:cret")).orElseThrow();
        assertEquals("acme+ci", credentials.username());
        assertEquals("se:cret", credentials.secret());
        assertFalse(credentials.toString().contains("se:cret"));
    }

    @Test
    void rejectsAnythingElse() {
        assertTrue(BasicCredentials.parse(null).isEmpty());
        assertTrue(BasicCredentials.parse("Bearer abc").isEmpty());
        assertTrue(BasicCredentials.parse("Basic !!!").isEmpty());
        assertTrue(BasicCredentials.parse(basic("no-colon")).isEmpty());
        assertTrue(BasicCredentials.parse(basic(":secret-without-user")).isEmpty());
        assertTrue(BasicCredentials.parse("Basic " + "A".repeat(2000)).isEmpty());
    }
}
