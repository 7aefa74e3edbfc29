package dev.registrytokens.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FastTierTest {
    private final String before = System.getProperty(FastTier.PROPERTY);

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(FastTier.PROPERTY);
        } else {
            System.setProperty(FastTier.PROPERTY, before);
        }
    }

    @Test
    void inTheFastTierStartingAProcessFailsNamingTheTestThatTried() {
        System.setProperty(FastTier.PROPERTY, "true");
        var refused = assertThrows(IllegalStateException.class, () -> Processes.start(new ProcessBuilder("true")));
        assertTrue(refused.getMessage().startsWith(FastTierTest.class.getName() + ".inTheFastTierStartingAProcessFailsNamingTheTestThatTried started a process (true)"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("@Tag(\"machine\")"), refused.getMessage());
    }

    @Test
    void inTheFastTierTheEmulatorIsRefusedBeforeAnythingStarts() {
        System.setProperty(FastTier.PROPERTY, "true");
        var refused = assertThrows(IllegalStateException.class, AwsEmulator::stack);
        assertTrue(refused.getMessage().contains("started the AWS emulator in the fast tier"), refused.getMessage());
    }

    @Test
    void outsideTheFastTierNothingIsRefused() {
        System.clearProperty(FastTier.PROPERTY);
        assertDoesNotThrow(() -> FastTier.refuse("a process"));
    }
}
