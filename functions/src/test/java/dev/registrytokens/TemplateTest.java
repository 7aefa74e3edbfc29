package dev.registrytokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.ProjectFiles;
import dev.registrytokens.testing.TemplateResources;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The template and the code agree: handlers exist, every function ships from functions/, events match routes. */
class TemplateTest {
    private final JsonNode template = TemplateResources.readTemplate(ProjectFiles.template());

    @Test
    void everyFunctionShipsFromFunctionsWithAnExistingHandlerClass() throws Exception {
        int functions = 0;
        for (Map.Entry<String, JsonNode> resource : template.get("Resources").properties()) {
            JsonNode properties = resource.getValue().path("Properties");
            if (!resource.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                continue;
            }
            functions++;
            assertEquals("functions", properties.path("CodeUri").asText(), resource.getKey());
            String handler = properties.path("Handler").asText();
            assertTrue(handler.endsWith("::handleRequest"), handler);
            Class<?> type = Class.forName(handler.substring(0, handler.indexOf("::")));
            assertTrue(RequestHandler.class.isAssignableFrom(type), handler);
            type.getConstructor(); // the runtime needs a public no-arg constructor
        }
        assertTrue(functions >= 8, "one function per action");
        assertEquals("java25", template.at("/Globals/Function/Runtime").asText());
        assertEquals("PublishedVersions", template.at("/Globals/Function/SnapStart/ApplyOn").asText());
    }

    @Test
    void eachApiFunctionHasAnEventFileForItsRoute() {
        for (Map.Entry<String, JsonNode> resource : template.get("Resources").properties()) {
            JsonNode api = resource.getValue().at("/Properties/Events/Api");
            if (!resource.getValue().path("Type").asText().equals("AWS::Serverless::Function") || api.isMissingNode()) {
                continue;
            }
            String eventFile = kebab(resource.getKey().replaceFirst("Function$", "")) + ".json";
            assertTrue(Files.exists(ProjectFiles.event(eventFile)), "events/" + eventFile + " for " + resource.getKey());
            APIGatewayV2HTTPEvent event = ApiCall.load(eventFile);
            String route = api.at("/Properties/Method").asText() + " " + api.at("/Properties/Path").asText();
            assertEquals(route, event.getRouteKey(), eventFile);
            assertEquals(route, event.getRequestContext().getRouteKey(), eventFile);
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
