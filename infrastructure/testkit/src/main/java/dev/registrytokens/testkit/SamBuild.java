package dev.registrytokens.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The functions as {@code sam build} made them (.aws-sam/build), which the end-to-end tests run. {@code mvn install}
 * does not refresh them, so a build older than its sources would test old code: refused.
 */
public final class SamBuild {
    private SamBuild() {
    }

    /** .aws-sam/build, once it is at least as new as functions/src/main, functions/pom.xml and template.yaml. */
    public static Path artefacts() {
        return artefacts(ProjectFiles.root());
    }

    static Path artefacts(Path root) {
        Path artefacts = root.resolve(".aws-sam/build");
        Path builtTemplate = artefacts.resolve("template.yaml");
        if (!Files.isRegularFile(builtTemplate)) {
            throw new IllegalStateException("no sam build in " + artefacts + ": run .venv/bin/sam build (./dev test does)");
        }
        FileTime built = modified(builtTemplate);
        Optional<Path> newer = sources(root).filter(source -> modified(source).compareTo(built) > 0).findFirst();
        if (newer.isPresent()) {
            throw new IllegalStateException(artefacts + " is older than " + root.relativize(newer.get())
                    + ": the end-to-end tests would run old code; run .venv/bin/sam build --cached (./dev test does) first");
        }
        return artefacts;
    }

    private static Stream<Path> sources(Path root) {
        try (Stream<Path> main = Files.walk(root.resolve("functions/src/main"))) {
            return Stream.concat(Stream.of(root.resolve("template.yaml"), root.resolve("functions/pom.xml")),
                    main.filter(Files::isRegularFile).toList().stream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
