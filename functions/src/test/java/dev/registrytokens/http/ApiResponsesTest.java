package dev.registrytokens.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.TokenPage;
import dev.registrytokens.core.TokenRecord;
import dev.registrytokens.core.TokenStatus;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How token bodies are written: the domain's TokenView carries no JSON annotation, the API decides. */
class ApiResponsesTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final TokenRecord TOKEN = new TokenRecord.Builder().pk("NAMESPACE#team").sk("TOKEN#t").id("t").namespace("team")
            .createdBy("alice").name("ci").username("team+ci").permission(Permission.PULL).status(TokenStatus.ENABLED)
            .createdAt(NOW).updatedAt(NOW).version(1L).build();

    @Test
    void aTokenBodyHoldsTheSecretOnlyWhenItHasOneAndEveryOtherFieldEvenWhenNull() throws Exception {
        JsonNode read = Json.MAPPER.readTree(ApiResponses.token(200, TokenView.of(TOKEN, NOW)).getBody());
        assertFalse(read.has("secret"));
        assertTrue(read.has("description") && read.get("description").isNull(), "other absent values are written as null");
        assertTrue(read.has("expiresAt") && read.get("expiresAt").isNull());

        JsonNode created = Json.MAPPER.readTree(ApiResponses.token(201, TokenView.withSecret(TOKEN, NOW, "rgt_x")).getBody());
        assertEquals("rgt_x", created.get("secret").asText());

        JsonNode page = Json.MAPPER.readTree(ApiResponses.json(200, new TokenPage(List.of(TokenView.of(TOKEN, NOW)), null)).getBody());
        assertFalse(page.get("items").get(0).has("secret"));
    }
}
