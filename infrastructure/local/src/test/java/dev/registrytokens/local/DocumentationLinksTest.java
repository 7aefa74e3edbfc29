package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link in the README and in docs/ resolves: to a file or folder of the repository, and for a
 * {@code #anchor} to a heading of the target, slugged as GitHub slugs headings. Reads files only: no emulator, no
 * network.
 */
class DocumentationLinksTest {
    /** An inline link or image, {@code [text](target "title")}; the target ends at white space or ')'. */
    private static final Pattern INLINE_LINK = Pattern.compile("!?\\[(?:[^\\]\\[]|\\[[^\\]]*])*]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** A reference definition, {@code [id]: target}. */
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^ {0,3}\\[[^\\]]+]:\\s*<?(\\S+?)>?(?:\\s+.*)?$");
    private static final Pattern ATX_HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

    @Test
    void everyRelativeLinkInTheReadmeAndDocsResolves() {
        Path root = repositoryRoot();
        List<Path> documents = documents(root);
        assertTrue(documents.contains(root.resolve("README.md")) && documents.size() > 1, () -> "documents found: " + documents);
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path document : documents) {
            for (Link link : relativeLinks(document)) {
                checked++;
                problem(root, document, link).ifPresent(broken::add);
            }
        }
        System.out.println("checked " + checked + " relative links in " + documents.size() + " documents");
        assertTrue(checked > 0, "no relative link found");
        assertTrue(broken.isEmpty(), () -> broken.size() + " broken links:\n" + String.join("\n", broken));
    }

    @Test
    void theReadmeStaysShortAndOpensWithTheTwoCommands() throws IOException {
        List<String> readme = Files.readAllLines(repositoryRoot().resolve("README.md"));
        assertTrue(readme.size() <= 200, () -> "README.md has " + readme.size() + " lines; details belong in docs/");
        List<String> opening = readme.subList(0, Math.min(6, readme.size()));
        assertTrue(opening.stream().anyMatch(line -> line.startsWith("./dev up ")), () -> "no ./dev up in " + opening);
        assertTrue(opening.stream().anyMatch(line -> line.startsWith("./dev test ")), () -> "no ./dev test in " + opening);
    }

    @Test
    void slugsHeadingsAsGitHubDoes() {
        assertEquals("what-dev-up-starts", slug("What `./dev up` starts"));
        assertEquals("the-emulators-transactions", slug("The emulator's transactions"));
        assertEquals("least-privilege-in-templateyaml", slug("Least privilege in template.yaml"));
        assertEquals("teams-namespaces-and-roles", slug("Teams: namespaces and roles"));
        assertEquals("clients-tested-skopeo-crane-oras-regctl", slug("Clients tested: skopeo, crane, oras, regctl"));
        assertEquals("a-link-and-bold", slug("A [link](x.md) and **bold**"));
        assertEquals("snake_case--two-spaces", slug("snake_case  two spaces"));
        assertEquals("über-straße", slug("Über Straße"));
    }

    @Test
    void reportsMissingFilesAndAnchorsAndIgnoresCodeAndAbsoluteLinks(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("template.yaml"), "");
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/guide.md"), """
                # Guide
                ## Setting up
                ## Setting up
                """);
        Path readme = root.resolve("README.md");
        Files.writeString(readme, """
                # Project
                [ok](docs/guide.md) [ok anchor](docs/guide.md#setting-up-1) [own](#project) ![img](docs/guide.md)
                [no file](docs/missing.md) [no anchor](docs/guide.md#nowhere) [no own anchor](#nowhere)
                [web](https://example.com/x.md) [mail](mailto:a@example.com) `[code](span.md)`
                [ref]: docs/also-missing.md
                ```sh
                [fenced](fenced.md)
                ```
                """);
        List<String> problems = relativeLinks(readme).stream()
                .flatMap(link -> problem(root, readme, link).stream()).toList();
        assertEquals(List.of("README.md:3: docs/missing.md: no such file",
                "README.md:3: docs/guide.md#nowhere: no heading slugged 'nowhere'",
                "README.md:3: #nowhere: no heading slugged 'nowhere'",
                "README.md:5: docs/also-missing.md: no such file"), problems);
    }

    private record Link(int line, String target) {
    }

    /** The folder holding template.yaml, from the working directory up (Maven runs tests in the module's folder). */
    private static Path repositoryRoot() {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("template.yaml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no template.yaml above " + System.getProperty("user.dir"));
    }

    private static List<Path> documents(Path root) {
        List<Path> documents = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> files = Files.walk(root.resolve("docs"))) {
            files.filter(file -> file.toString().endsWith(".md")).sorted().forEach(documents::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    /** Links outside fenced code blocks and code spans whose target names no scheme (http:, mailto:, ...). */
    private static List<Link> relativeLinks(Path document) {
        List<Link> links = new ArrayList<>();
        for (Line line : outsideFences(document)) {
            String text = CODE_SPAN.matcher(line.text()).replaceAll("");
            List<String> targets = new ArrayList<>();
            INLINE_LINK.matcher(text).results().forEach(match -> targets.add(match.group(1)));
            Matcher definition = REFERENCE_DEFINITION.matcher(text);
            if (definition.matches()) {
                targets.add(definition.group(1));
            }
            for (String target : targets) {
                if (!target.isEmpty() && !SCHEME.matcher(target).find() && !target.startsWith("//")) {
                    links.add(new Link(line.number(), target));
                }
            }
        }
        return links;
    }

    private record Line(int number, String text) {
    }

    /** A document's lines, numbered from 1, without its fenced code blocks (fences included). */
    private static List<Line> outsideFences(Path document) {
        List<Line> outside = new ArrayList<>();
        List<String> lines = lines(document);
        String fence = null;
        for (int i = 0; i < lines.size(); i++) {
            Matcher opening = FENCE.matcher(lines.get(i));
            if (fence != null) {
                if (opening.find() && opening.group(1).charAt(0) == fence.charAt(0) && opening.group(1).length() >= fence.length()) {
                    fence = null;
                }
            } else if (opening.find()) {
                fence = opening.group(1);
            } else {
                outside.add(new Line(i + 1, lines.get(i)));
            }
        }
        return outside;
    }

    /** What is wrong with a link, if anything. */
    private static Optional<String> problem(Path root, Path document, Link link) {
        String where = root.relativize(document) + ":" + link.line() + ": " + link.target() + ": ";
        int hash = link.target().indexOf('#');
        String path = hash < 0 ? link.target() : link.target().substring(0, hash);
        String anchor = hash < 0 ? null : link.target().substring(hash + 1);
        Path target = path.isEmpty() ? document : document.getParent().resolve(decodePercent(path)).normalize();
        if (!target.startsWith(root)) {
            return Optional.of(where + "outside the repository");
        }
        if (!Files.exists(target)) {
            return Optional.of(where + "no such file");
        }
        if (anchor == null || anchor.isEmpty()) {
            return Optional.empty();
        }
        if (!target.toString().endsWith(".md")) {
            return Optional.of(where + "an anchor into a file that is not Markdown");
        }
        return headingSlugs(target).contains(decodePercent(anchor)) ? Optional.empty()
                : Optional.of(where + "no heading slugged '" + anchor + "'");
    }

    /** The anchors GitHub gives a document's headings: their slugs, a repeated one suffixed -1, -2, ... */
    private static Set<String> headingSlugs(Path document) {
        Set<String> slugs = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (Line line : outsideFences(document)) {
            Matcher heading = ATX_HEADING.matcher(line.text());
            if (heading.matches()) {
                String slug = slug(heading.group(2));
                int count = seen.merge(slug, 1, Integer::sum);
                slugs.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
        }
        return slugs;
    }

    /**
     * GitHub's slug of a heading: its text as rendered (code spans' contents, links' texts, no emphasis marks),
     * lower-cased, with every character but letters, digits, marks, '-', '_' and spaces dropped, and each space a '-'.
     */
    static String slug(String heading) {
        String text = CODE_SPAN.matcher(heading).replaceAll(match -> Matcher.quoteReplacement(match.group(2)));
        text = text.replaceAll("!?\\[([^\\]]*)]\\([^)]*\\)", "$1").replaceAll("[*]", "").replaceAll("(^|\\s)_+|_+(\\s|$)", "$1$2");
        StringBuilder slug = new StringBuilder();
        text.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (c == ' ') {
                slug.append('-');
            } else if (Character.isLetterOrDigit(c) || c == '-' || c == '_' || Character.getType(c) == Character.NON_SPACING_MARK) {
                slug.appendCodePoint(c);
            }
        });
        return slug.toString();
    }

    private static String decodePercent(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static List<String> lines(Path document) {
        try {
            return Files.readAllLines(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
