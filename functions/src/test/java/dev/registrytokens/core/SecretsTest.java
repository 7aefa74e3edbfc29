package dev.registrytokens.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretsTest {
    @Test
    void generatedSecretsHaveThePrefixLengthAndAValidChecksum() {
        String secret = Secrets.generate();
        assertTrue(secret.startsWith("rgt_"));
        assertEquals(42, secret.length());
        assertTrue(Secrets.isWellFormed(secret));
    }

    @Test
    void randomPartCarriesAtLeast190Bits() {
        assertTrue(Secrets.RANDOM_LENGTH * Math.log(62) / Math.log(2) >= 190);
    }

    @Test
    void generatedSecretsDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertTrue(seen.add(Secrets.generate()));
        }
    }

    @Test
    void rejectsAnySingleCharacterTypo() {
        String secret = Secrets.generate();
        for (int i = Secrets.PREFIX.length(); i < secret.length(); i++) {
            char replacement = secret.charAt(i) == 'a' ? 'b' : 'a';
            String typo = secret.substring(0, i) + replacement + secret.substring(i + 1);
            assertFalse(Secrets.isWellFormed(typo), () -> "typo accepted: " + typo);
        }
    }

    @Test
    void rejectsWrongPrefixLengthAndCharacters() {
        String secret = Secrets.generate();
        assertFalse(Secrets.isWellFormed(null));
        assertFalse(Secrets.isWellFormed(""));
        assertFalse(Secrets.isWellFormed("ghp_" + secret.substring(4)));
        assertFalse(Secrets.isWellFormed(secret + "A"));
        assertFalse(Secrets.isWellFormed(secret.substring(0, 41)));
        assertFalse(Secrets.isWellFormed(secret.substring(0, 10) + "-" + secret.substring(11)));
    }
}
