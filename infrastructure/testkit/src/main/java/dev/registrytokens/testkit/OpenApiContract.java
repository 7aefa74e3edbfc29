package dev.registrytokens.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi31;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The API's OpenAPI document (the one {@code GET /openapi.json} serves) as the tests' oracle: every answer a test
 * receives must be one the document describes, with its status, required headers, content type and body.
 */
public final class OpenApiContract {
    /** Where the functions' jar holds the document (OpenApiHandlerTest checks that the handler serves this one). */
    public static final String RESOURCE = "/openapi.json";
    /** How a secret begins (SecretsTest checks it is the functions' own), for failure messages to redact. */
    public static final String SECRET_PREFIX = "rgt_";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOCATION = "classpath:" + RESOURCE.substring(1);
    private static final JsonNode DOCUMENT = read();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            builder -> builder.metaSchema(OpenApi31.getInstance()).defaultMetaSchemaIri(OpenApi31.getInstance().getIri()));
    // 2020-12 makes "format" an annotation only; the document's date-times are meant as assertions.
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    private static final Map<String, JsonSchema> COMPILED = new ConcurrentHashMap<>();
    private static final Pattern SECRET = Pattern.compile(Pattern.quote(SECRET_PREFIX) + "[0-9A-Za-z]+");
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private OpenApiContract() {
    }

    public static JsonNode document() {
        return DOCUMENT;
    }

    /** Every operation as an API Gateway route key, such as {@code GET /tokens/{id}}. */
    public static Set<String> routeKeys() {
        Set<String> routes = new TreeSet<>();
        DOCUMENT.path("paths").properties().forEach(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (METHODS.contains(method)) {
                routes.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return routes;
    }

    /**
     * Asserts that the document describes this answer to {@code method} on {@code path} (a request path or a path
     * template; any query is ignored). A path the document does not know is API Gateway's to answer, so it is not
     * checked; a method its path does not serve must be answered as {@code MethodNotAllowed}.
     */
    public static void assertDescribes(String method, String path, int status, Map<String, String> headers, String body) {
        String request = method + " " + path;
        Optional<String> template = template(path.replaceFirst("\\?.*", ""));
        if (template.isEmpty()) {
            return;
        }
        JsonNode operation = DOCUMENT.path("paths").path(template.get()).path(method.toLowerCase(Locale.ROOT));
        String documented;
        if (operation.isMissingNode()) {
            documented = "/components/responses/MethodNotAllowed";
            check(status == 405, request, "a method the path does not serve is 405, not " + status, body);
        } else {
            documented = "/paths/" + escape(template.get()) + "/" + method.toLowerCase(Locale.ROOT) + "/responses/" + status;
            check(!DOCUMENT.at(documented).isMissingNode(), request, "status " + status + " is not documented", body);
        }
        String responsePointer = dereference(documented);
        JsonNode response = DOCUMENT.at(responsePointer);
        response.path("headers").properties().forEach(header -> {
            String headerPointer = dereference(responsePointer + "/headers/" + escape(header.getKey()));
            String value = header(headers, header.getKey());
            check(value != null || !DOCUMENT.at(headerPointer).path("required").asBoolean(), request,
                    "required header " + header.getKey() + " is missing", body);
            if (value != null) {
                assertValid(headerPointer + "/schema", TextNode.valueOf(value), request + " header " + header.getKey());
            }
        });
        boolean empty = body == null || body.isEmpty();
        if (!response.has("content")) {
            check(empty, request, "status " + status + " has no body, but one came", body);
            return;
        }
        String contentType = Optional.ofNullable(header(headers, "Content-Type")).map(value -> value.replaceFirst(";.*", "").trim()).orElse("");
        check(response.path("content").has(contentType), request,
                "Content-Type '" + contentType + "' is not one of " + fieldNames(response.path("content")), body);
        check(!empty, request, "status " + status + " needs a body", body);
        assertValid(responsePointer + "/content/" + escape(contentType) + "/schema",
                contentType.endsWith("json") ? parse(body, request) : TextNode.valueOf(body), request + " body");
    }

    private static Optional<String> template(String path) {
        if (DOCUMENT.path("paths").has(path)) {
            return Optional.of(path);
        }
        for (String template : fieldNames(DOCUMENT.path("paths"))) {
            String pattern = Pattern.quote(template).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q");
            if (Pattern.matches(pattern, path)) {
                return Optional.of(template);
            }
        }
        return Optional.empty();
    }

    private static void assertValid(String schemaPointer, JsonNode value, String what) {
        JsonSchema schema = COMPILED.computeIfAbsent(schemaPointer,
                pointer -> SCHEMAS.getSchema(SchemaLocation.of(LOCATION + "#" + pointer), CONFIG));
        Set<ValidationMessage> errors = schema.validate(value);
        if (!errors.isEmpty()) {
            throw new AssertionError(what + " does not match the OpenAPI document (" + schemaPointer + "): " + errors + "\n"
                    + withoutSecrets(value.toString()));
        }
    }

    /** Follows a local $ref (components) to the object it names. */
    private static String dereference(String pointer) {
        String ref = DOCUMENT.at(pointer).path("$ref").asText("");
        return ref.startsWith("#/") ? ref.substring(1) : pointer;
    }

    private static String header(Map<String, String> headers, String name) {
        return headers.entrySet().stream().filter(header -> header.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    private static JsonNode parse(String body, String request) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new AssertionError(request + " answered a body that is not JSON: " + withoutSecrets(body), e);
        }
    }

    private static void check(boolean condition, String request, String problem, String body) {
        if (!condition) {
            throw new AssertionError(request + " does not match the OpenAPI document: " + problem + "; body " + withoutSecrets(body));
        }
    }

    /** Failure messages end up in test reports, which must hold no secret. */
    private static String withoutSecrets(String text) {
        return text == null ? null : SECRET.matcher(text).replaceAll(SECRET_PREFIX + "[redacted]");
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** RFC 6901: '~' and '/' inside one reference token. */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static JsonNode read() {
        try (InputStream in = OpenApiContract.class.getResourceAsStream(RESOURCE)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
