package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.testkit.ProjectFiles;
import dev.registrytokens.testkit.TemplateResources;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The template's CorsConfiguration as the local gateway applies it, the local console's origin in the deployed one's place. */
class CorsTest {
    private static final String CONSOLE = "http://localhost:3000";
    private final Cors cors = Cors.fromTemplate(TemplateResources.readTemplate(ProjectFiles.template()), CONSOLE).orElseThrow();

    @Test
    void readsTheTemplatesConfigurationWithTheLocalConsoleAsItsOnlyOrigin() {
        assertEquals(List.of(CONSOLE), cors.allowOrigins());
        assertEquals(List.of("GET", "POST", "PUT", "PATCH", "DELETE"), cors.allowMethods());
        assertEquals(List.of("authorization", "content-type", "if-match"), cors.allowHeaders());
        assertEquals(List.of("etag"), cors.exposeHeaders());
        assertEquals(600, cors.maxAge());
        assertFalse(cors.allowCredentials());
    }

    @Test
    void aPreflightFromTheConsoleGetsTheConfiguredHeadersAndOneFromElsewhereNone() {
        assertEquals(Map.of("Access-Control-Allow-Origin", CONSOLE, "Access-Control-Allow-Methods", "GET,POST,PUT,PATCH,DELETE",
                "Access-Control-Allow-Headers", "authorization,content-type,if-match", "Access-Control-Max-Age", "600"),
                cors.preflightHeaders(CONSOLE));
        assertEquals(Map.of(), cors.preflightHeaders("http://127.0.0.1:3000"), "the API's own origin is not the console's");
        assertEquals(Map.of(), cors.preflightHeaders("https://evil.example"));
        assertEquals(Map.of(), cors.preflightHeaders(null));
    }

    @Test
    void otherAnswersToTheConsoleAllowItsOriginAndExposeTheEtag() {
        assertEquals(Map.of("Access-Control-Allow-Origin", CONSOLE, "Access-Control-Expose-Headers", "etag"), cors.responseHeaders(CONSOLE));
        assertEquals(Map.of(), cors.responseHeaders("https://evil.example"));
        assertTrue(Cors.isCorsHeader("access-control-allow-origin") && Cors.isCorsHeader("Access-Control-Expose-Headers"));
        assertFalse(Cors.isCorsHeader("ETag"));
    }
}
