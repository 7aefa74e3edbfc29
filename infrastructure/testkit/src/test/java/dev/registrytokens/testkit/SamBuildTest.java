package dev.registrytokens.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamBuildTest {
    private static final Instant BUILT = Instant.parse("2026-01-01T12:00:00Z");
    @TempDir
    Path root;

    /** A project whose sources are a minute older than its sam build. */
    @BeforeEach
    void project() throws IOException {
        for (String source : new String[] {"template.yaml", "functions/pom.xml", "functions/src/main/java/Handler.java", "functions/src/main/resources/openapi.json"}) {
            write(source, BUILT.minusSeconds(60));
        }
        write(".aws-sam/build/template.yaml", BUILT);
    }

    private void write(String file, Instant modified) throws IOException {
        Path path = root.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, file);
        Files.setLastModifiedTime(path, FileTime.from(modified));
    }

    @Test
    void aBuildNewerThanEverySourceIsRun() {
        assertEquals(root.resolve(".aws-sam/build"), SamBuild.artefacts(root));
    }

    @Test
    void aSourceEditedAfterTheBuildIsRefusedNamingItAndSayingHowToRebuild() throws IOException {
        for (String source : new String[] {"template.yaml", "functions/pom.xml", "functions/src/main/resources/openapi.json"}) {
            project();
            write(source, BUILT.plusSeconds(1));
            var refused = assertThrows(IllegalStateException.class, () -> SamBuild.artefacts(root));
            assertTrue(refused.getMessage().contains("is older than " + source), refused.getMessage());
            assertTrue(refused.getMessage().contains("sam build"), refused.getMessage());
        }
    }

    @Test
    void noBuildAtAllIsRefused() throws IOException {
        Files.delete(root.resolve(".aws-sam/build/template.yaml"));
        var refused = assertThrows(IllegalStateException.class, () -> SamBuild.artefacts(root));
        assertTrue(refused.getMessage().startsWith("no sam build in "), refused.getMessage());
    }
}
