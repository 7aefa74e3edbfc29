package dev.registrytokens.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testkit.OpenApiContract;
import dev.registrytokens.testkit.ProjectFiles;
import dev.registrytokens.testkit.TemplateResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** GET /openapi.json serves the document, and the document covers the template's routes and the code's error codes. */
class OpenApiHandlerTest {
    /** An error's code: the string literals that open an ApiException's arguments, before its message. */
    /** Where a code is written: the HTTP layer's own errors, the domain's, and the codes the domain's kinds fix. */
    private static final Pattern THROWN = Pattern.compile(
            "(?:badRequest|new ApiException|new DomainException\\.\\w+|super)\\(([^;]*)", Pattern.DOTALL);
    private static final Pattern LITERAL = Pattern.compile("\"([^\"]*)\"");

    @Test
    void servesTheDocumentPubliclyCacheableAsJson() {
        var answer = ApiCall.from("open-api.json").anonymous().to(new OpenApiHandler()).assertStatus(200);
        assertEquals(OpenApiContract.document(), answer.body());
        assertEquals("application/json", answer.headers().get("Content-Type"));
        assertTrue(answer.headers().get("Cache-Control").startsWith("public, max-age="), answer.headers().toString());
        assertEquals("3.1.0", answer.body().get("openapi").asText());
    }

    @Test
    void documentsExactlyTheTemplatesRoutes() {
        Set<String> templateRoutes = new TreeSet<>();
        TemplateResources.readTemplate(ProjectFiles.template()).get("Resources").properties().stream()
                // The unmatched-request routes only answer 405 (a method the path does not serve) or 404 (no such
                // path): the document describes those answers on the paths themselves, and the contract requires them there.
                .filter(resource -> !resource.getKey().equals("UnmatchedRequestFunction"))
                .flatMap(resource -> resource.getValue().at("/Properties/Events").valueStream())
                .filter(event -> event.path("Type").asText().equals("HttpApi"))
                .forEach(event -> templateRoutes.add(event.at("/Properties/Method").asText() + " " + event.at("/Properties/Path").asText()));
        assertEquals(templateRoutes, OpenApiContract.routeKeys());
    }

    @Test
    void documentsEveryErrorCodeTheFunctionsAnswer() throws IOException {
        JsonNode schemas = OpenApiContract.document().at("/components/schemas");
        Set<String> documented = new TreeSet<>();
        schemas.at("/Error/properties/error/properties/code/enum").forEach(code -> documented.add(code.asText()));
        schemas.at("/OAuthError/properties/error/enum").forEach(code -> documented.add(code.asText()));
        Set<String> thrown = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(ProjectFiles.root().resolve("functions/src/main/java"))) {
            for (Path source : sources.filter(path -> path.toString().endsWith(".java")).toList()) {
                Matcher call = THROWN.matcher(Files.readString(source));
                while (call.find()) {
                    Matcher literal = LITERAL.matcher(call.group(1));
                    while (literal.find() && literal.group(1).matches("[a-z_]+")) {
                        thrown.add(literal.group(1));
                    }
                }
            }
        }
        assertTrue(thrown.size() >= 20, "the scan finds the codes: " + thrown);
        thrown.removeAll(documented);
        assertEquals(Set.of(), thrown, "error codes the functions answer that the OpenAPI document does not list");
    }
}
