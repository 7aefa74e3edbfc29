package dev.registrytokens.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the project's own files (template, events, scripts) from whichever module the tests run in. */
public final class ProjectFiles {
    private ProjectFiles() {
    }

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("template.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("template.yaml not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    public static Path template() {
        return root().resolve("template.yaml");
    }

    public static Path event(String fileName) {
        return root().resolve("events").resolve(fileName);
    }
}
