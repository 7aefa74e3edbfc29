package dev.registrytokens.openapi;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.http.ApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /openapi.json}: the API's OpenAPI 3.1 description, public. The document ships in the artefact, so the
 * version deployed always describes itself; it needs no AWS call and no permission.
 */
public class OpenApiHandler extends ApiHandler {
    /** Where the document lives on the function's classpath (functions/src/main/resources). */
    public static final String RESOURCE = "/openapi.json";

    private final String document = read();

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        return ApiResponses.document("application/json", document);
    }

    private static String read() {
        try (InputStream in = OpenApiHandler.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the artefact");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
