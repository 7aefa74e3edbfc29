package dev.registrytokens.unmatched;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.ApiResult;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnmatchedRequestHandlerTest {
    private final UnmatchedRequestHandler handler = new UnmatchedRequestHandler(
            UnmatchedRequestHandler.parseAllowedMethods("/tokens=GET,POST;/tokens/{id}=DELETE,GET,PATCH"));

    @Test
    void aMethodThePathDoesNotServeIs405WithAllowInTheErrorShape() {
        ApiResult answer = ApiCall.from("unmatched-request.json").to(handler);
        answer.assertError(405, "method_not_allowed", null);
        assertEquals("DELETE, GET, PATCH", answer.headers().get("Allow"));
    }

    @Test
    void aPathNoRouteServesIs404InTheErrorShape() {
        // A catch-all route's event differs from an unserved method's only in its route key.
        ApiCall.from("unmatched-request.json").routeKey("PUT /{proxy+}").to(handler).assertError(404, "not_found", null);
    }

    @Test
    void readsTheAllowedMethodsAsTheTemplateWritesThem() {
        assertEquals(Map.of("/tokens", "GET, POST", "/tokens/{id}", "DELETE, GET, PATCH"),
                UnmatchedRequestHandler.parseAllowedMethods("/tokens=GET,POST;/tokens/{id}=DELETE,GET,PATCH"));
    }
}
