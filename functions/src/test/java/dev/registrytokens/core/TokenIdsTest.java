package dev.registrytokens.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenIdsTest {
    @Test
    void laterIdsSortAfterEarlierOnes() {
        SecureRandom random = new SecureRandom();
        String earlier = TokenIds.newId(Instant.parse("2026-11-29T10:00:00.000Z"), random);
        String later = TokenIds.newId(Instant.parse("2026-11-29T10:00:00.001Z"), random);
        assertTrue(earlier.compareTo(later) < 0);
        assertTrue(TokenIds.isWellFormed(earlier));
    }

    @Test
    void rejectsIdsOfTheWrongShape() {
        assertFalse(TokenIds.isWellFormed("01KB5X3H8Q2M6N4P7R9S0T1V2W"));
        assertFalse(TokenIds.isWellFormed("01kb5x3h8q2m6n4p7r9s0t1v2"));
        assertFalse(TokenIds.isWellFormed("../../etc/passwd"));
        assertFalse(TokenIds.isWellFormed(null));
    }
}
