package dev.registrytokens.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.testkit.OpenApiContract;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
    void theTestsRedactSecretsByTheirOwnPrefix() {
        assertEquals(Secrets.PREFIX, OpenApiContract.SECRET_PREFIX);
    }

    @Test
    void eachOfThe32RandomCharactersTakesAll62ValuesSoASecretCarriesAtLeast190Bits() {
        List<Set<Character>> seenAt = new ArrayList<>();
        for (int n = 0; n < 5_000; n++) {
            String random = Secrets.generate().substring(Secrets.PREFIX.length(), Secrets.LENGTH - Secrets.CHECKSUM_LENGTH);
            assertEquals(32, random.length());
            for (int i = 0; i < random.length(); i++) {
                if (seenAt.size() <= i) {
                    seenAt.add(new HashSet<>());
                }
                seenAt.get(i).add(random.charAt(i));
            }
        }
        // 5,000 draws leave a given one of 62 values unseen with probability (61/62)^5000, about 1e-36.
        // 32 characters of 62 equally likely values: 32 * log2(62) = 190.5 bits.
        seenAt.forEach(values -> assertEquals(62, values.size()));
    }

    @Test
    void secretsAreDrawnFromASecureRandomOfTheSecurityProviders() {
        AtomicInteger draws = new AtomicInteger();
        Provider counting = new Provider("CountingSecureRandom", "1", "counts SecureRandom draws") {
        };
        counting.put("SecureRandom.Counting", CountingSecureRandom.class.getName());
        CountingSecureRandom.DRAWS = draws;
        Security.insertProviderAt(counting, 1);
        try {
            Secrets.generate();
        } finally {
            Security.removeProvider(counting.getName());
        }
        assertTrue(draws.get() > 0, "a secret's randomness came from a SecureRandom, not java.util.Random");
    }

    /** A SecureRandom implementation that delegates to the JDK's default and counts what it is asked for. */
    public static final class CountingSecureRandom extends SecureRandomSpi {
        static AtomicInteger DRAWS;
        private final SecureRandom delegate = SecureRandom.getInstance("DRBG");

        public CountingSecureRandom() throws java.security.NoSuchAlgorithmException {
        }

        @Override
        protected void engineSetSeed(byte[] seed) {
            delegate.setSeed(seed);
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            DRAWS.incrementAndGet();
            delegate.nextBytes(bytes);
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            return delegate.generateSeed(numBytes);
        }
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
