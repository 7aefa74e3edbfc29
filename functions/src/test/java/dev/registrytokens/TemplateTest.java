package dev.registrytokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.json.Json;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testkit.ProjectFiles;
import dev.registrytokens.testkit.TemplateResources;
import dev.registrytokens.unmatched.UnmatchedRequestHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The template and the code agree (handlers exist, every function ships from functions/, events match routes),
 * and the template keeps the hardening rules that can be read from it.
 */
class TemplateTest {
    private final JsonNode template = TemplateResources.readTemplate(ProjectFiles.template());
    private final JsonNode resources = template.get("Resources");

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

    @Test
    void everyPathWithRoutesAnswersOtherMethodsWith405AndItsAllowListIsTheTemplatesRoutes() {
        Map<String, Set<String>> methodsByPath = new TreeMap<>();
        Map<String, Set<String>> unmatchedByPath = new TreeMap<>();
        functions().forEach((name, function) -> function.at("/Properties/Events").valueStream()
                .filter(event -> event.path("Type").asText().equals("HttpApi"))
                .forEach(event -> (name.equals("UnmatchedRequestFunction") ? unmatchedByPath : methodsByPath)
                        .computeIfAbsent(event.at("/Properties/Path").asText(), p -> new TreeSet<>())
                        .add(event.at("/Properties/Method").asText().toUpperCase())));
        Map<String, Set<String>> declared = new TreeMap<>();
        UnmatchedRequestHandler.parseAllowedMethods(resources.at("/UnmatchedRequestFunction/Properties/Environment/Variables/ALLOWED_METHODS")
                .asText()).forEach((path, allowed) -> declared.put(path, new TreeSet<>(List.of(allowed.split(", ")))));
        assertEquals(methodsByPath, declared, "ALLOWED_METHODS lists every route's methods, and no others");
        Map<String, Set<String>> expectedUnmatched = new TreeMap<>();
        methodsByPath.forEach((path, served) -> {
            Set<String> unserved = new TreeSet<>(ROUTED_METHODS);
            unserved.removeAll(served);
            expectedUnmatched.put(path, unserved);
        });
        expectedUnmatched.put("/{proxy+}", new TreeSet<>(ROUTED_METHODS));
        assertEquals(expectedUnmatched, unmatchedByPath, "a route per method each path does not serve, and the catch-all's");
    }

    /** Every method an HTTP API route can name but ANY and OPTIONS: OPTIONS is the CORS preflight's. */
    private static final Set<String> ROUTED_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

    @Test
    void noRouteMatchesOptionsSoApiGatewayAnswersEveryPreflightFromTheConsole() {
        Set<String> routes = new TreeSet<>();
        functions().values().forEach(function -> function.at("/Properties/Events").valueStream()
                .filter(event -> event.path("Type").asText().equals("HttpApi"))
                .forEach(event -> routes.add(event.at("/Properties/Method").asText().toUpperCase() + " " + event.at("/Properties/Path").asText())));
        assertTrue(routes.stream().noneMatch(route -> route.startsWith("ANY ") || route.startsWith("OPTIONS ")), routes.toString());
        JsonNode cors = resources.at("/Api/Properties/CorsConfiguration");
        assertEquals("https://${ConsoleDistribution.DomainName}", cors.at("/AllowOrigins/0/Fn::Sub").asText(), "the console's origin");
        assertEquals(1, cors.get("AllowOrigins").size(), "the console's origin only");
        Set<String> allowHeaders = new TreeSet<>();
        cors.get("AllowHeaders").forEach(header -> allowHeaders.add(header.asText()));
        assertEquals(Set.of("authorization", "content-type", "if-match"), allowHeaders, "what the console's calls send");
    }

    @Test
    void everyManagementRouteRequiresTheManagementScopeSoIdTokensAreRefused() {
        assertEquals("registry-tokens/manage", template.at("/Parameters/ManagementScope/Default").asText());
        JsonNode authorizer = resources.at("/Api/Properties/Auth/Authorizers/ManagementJwt");
        assertEquals("ManagementJwt", resources.at("/Api/Properties/Auth/DefaultAuthorizer").asText());
        assertEquals(1, authorizer.get("AuthorizationScopes").size());
        assertEquals("ManagementScope", authorizer.at("/AuthorizationScopes/0/Ref").asText());
        functions().values().forEach(function -> function.at("/Properties/Events").valueStream()
                .filter(event -> event.path("Type").asText().equals("HttpApi"))
                .forEach(event -> assertTrue(event.at("/Properties/Auth/AuthorizationScopes").isMissingNode(),
                        "no route overrides the authorizer's scopes: " + event)));
    }

    @Test
    void theConsolesCspConnectsOnlyToItselfTheApisHostTheIssuerAndItsTokenEndpointHost() {
        JsonNode policy = resources.at("/ConsoleSecurityHeaders/Properties/ResponseHeadersPolicyConfig/SecurityHeadersConfig"
                + "/ContentSecurityPolicy/ContentSecurityPolicy/Fn::Sub");
        String connectSrc = policy.get(0).asText().replaceFirst(".*connect-src ([^;]*);.*", "$1");
        assertEquals("'self' https://${ApiDomainName} https://${IssuerHost}${TokenHost}", connectSrc, "no wildcard host");
        assertEquals("{\"Fn::Select\":[2,{\"Fn::Split\":[\"/\",{\"Ref\":\"JwtIssuer\"}]}]}", policy.get(1).get("IssuerHost").toString());
        assertEquals("{\"Fn::If\":[\"TokenEndpointOnIssuerHost\",\"\",{\"Fn::Sub\":\" https://${TokenEndpointHost}\"}]}",
                policy.get(1).get("TokenHost").toString());
        assertEquals("{\"Fn::Equals\":[{\"Ref\":\"TokenEndpointHost\"},\"\"]}", template.at("/Conditions/TokenEndpointOnIssuerHost").toString());
        // ApiDomainName is the API's host: its custom domain, mapped to the API's stage, and the URL every output gives.
        assertEquals("ApiDomainName", resources.at("/ApiDomain/Properties/DomainName/Ref").asText());
        assertEquals("Api", resources.at("/ApiDomainMapping/Properties/ApiId/Ref").asText());
        assertEquals("ApiDomain", resources.at("/ApiDomainMapping/Properties/DomainName/Ref").asText());
        for (String output : List.of("ApiUrl", "RegistryTokenRealm", "RegistryRootCertBundleUrl")) {
            assertTrue(template.at("/Outputs/" + output + "/Value/Fn::Sub").asText().startsWith("https://${ApiDomainName}"), output);
        }
    }

    @Test
    void everyFunctionHasAnEventFile() {
        for (String function : functions().keySet()) {
            String eventFile = kebab(function.replaceFirst("Function$", "")) + ".json";
            assertTrue(Files.exists(ProjectFiles.event(eventFile)), "events/" + eventFile + " for " + function);
        }
    }

    @Test
    void onlyTheTokenEndpointsThatAuthenticateAndTheDeployTimeCertificateIssuerMaySign() {
        Map<String, JsonNode> signers = new TreeMap<>();
        functions().forEach((name, function) -> {
            if (allowedActions(function).anyMatch(action -> action.equals("kms:Sign") || action.equals("kms:*"))) {
                signers.put(name, function);
            }
        });
        assertEquals(Set.of("RegistryTokenFunction", "RegistryOAuthTokenFunction", "CertificateIssuerFunction"), signers.keySet());
        // GET /v2/token signs only behind the registry authorizer; POST /v2/token carries its credentials in the body,
        // so its handler decides the login itself (RegistryLogins.decide, the authorizer's code) before it signs; the
        // issuer has no route at all (CloudFormation invokes it).
        assertEquals(List.of("RegistryBasicAuth"), authorizers(signers.get("RegistryTokenFunction")));
        assertEquals("dev.registrytokens.oauthtoken.OAuthTokenHandler::handleRequest",
                signers.get("RegistryOAuthTokenFunction").at("/Properties/Handler").asText());
        assertTrue(signers.get("CertificateIssuerFunction").at("/Properties/Events").isMissingNode());
        for (Map.Entry<String, JsonNode> function : functions().entrySet()) {
            // Besides the password grant, only the leak-report endpoint, which verifies GitHub's signature before its MAC.
            if (authorizers(function.getValue()).contains("NONE") && !function.getKey().equals("RegistryOAuthTokenFunction")
                    && !function.getKey().equals("ReportLeakedSecretsFunction")) {
                assertTrue(allowedActions(function.getValue())
                                .noneMatch(action -> action.startsWith("kms:") && !action.equals("kms:GetPublicKey")),
                        function.getKey() + " is public: at most it may read the public key");
            }
        }
    }

    /**
     * Least privilege on the table, checked here as IAM would read it (the emulator evaluates these conditions too):
     * each function may use each action on the token table only under its key prefixes (dynamodb:LeadingKeys); the
     * Scans of the migration and of the expiry reconcile are the statements without (a Scan has no leading key).
     */
    @Test
    void eachFunctionReachesOnlyItsKeyPrefixesOfTheTable() {
        Set<String> tokenAndLogin = Set.of("NAMESPACE#*", "USERNAME#*");
        Set<String> auditAndOutbox = Set.of("NAMESPACE#*", "EVENT-OUTBOX");
        Map<String, Map<String, Set<String>>> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("CreateTokenFunction", Map.of("dynamodb:PutItem", Set.of("NAMESPACE#*", "USERNAME#*", "EVENT-OUTBOX"),
                        "dynamodb:GetItem", Set.of("POLICY"))),
                Map.entry("ListTokensFunction", Map.of("dynamodb:Query", Set.of("NAMESPACE#*"))),
                Map.entry("GetTokenFunction", Map.of("dynamodb:GetItem", Set.of("NAMESPACE#*"))),
                Map.entry("EditTokenFunction", Map.of("dynamodb:GetItem", Set.of("NAMESPACE#*", "USERNAME#*", "POLICY"),
                        "dynamodb:UpdateItem", tokenAndLogin, "dynamodb:PutItem", auditAndOutbox)),
                Map.entry("GetPolicyFunction", Map.of("dynamodb:GetItem", Set.of("POLICY"), "dynamodb:Query", Set.of("NAMESPACE#*"))),
                Map.entry("PutPolicyFunction", Map.of("dynamodb:GetItem", Set.of("POLICY"), "dynamodb:PutItem", Set.of("POLICY"),
                        "dynamodb:Query", Set.of("NAMESPACE#*"))),
                Map.entry("ReportLeakedSecretsFunction", Map.of("dynamodb:Query", Set.of(), "dynamodb:GetItem", tokenAndLogin,
                        "dynamodb:UpdateItem", tokenAndLogin, "dynamodb:PutItem", auditAndOutbox)),
                Map.entry("UnusedTokenSweepFunction", Map.of("dynamodb:Query", Set.of("POLICY", "NAMESPACE#*"),
                        "dynamodb:GetItem", tokenAndLogin, "dynamodb:UpdateItem", tokenAndLogin, "dynamodb:PutItem", auditAndOutbox)),
                Map.entry("ResetTokenFunction", Map.of("dynamodb:GetItem", tokenAndLogin, "dynamodb:UpdateItem", tokenAndLogin,
                        "dynamodb:PutItem", auditAndOutbox)),
                Map.entry("DisableTokenFunction", Map.of("dynamodb:GetItem", tokenAndLogin, "dynamodb:UpdateItem", tokenAndLogin,
                        "dynamodb:PutItem", auditAndOutbox)),
                Map.entry("EnableTokenFunction", Map.of("dynamodb:GetItem", tokenAndLogin, "dynamodb:UpdateItem", tokenAndLogin,
                        "dynamodb:PutItem", auditAndOutbox)),
                Map.entry("DeleteTokenFunction", Map.of("dynamodb:GetItem", tokenAndLogin, "dynamodb:DeleteItem", tokenAndLogin,
                        "dynamodb:ConditionCheckItem", tokenAndLogin, "dynamodb:PutItem", auditAndOutbox)),
                Map.entry("ListAuditFunction", Map.of("dynamodb:Query", Set.of("NAMESPACE#*"))),
                Map.entry("EventOutboxFunction", Map.of("dynamodb:Query", Set.of("EVENT-OUTBOX"), "dynamodb:DeleteItem", Set.of("EVENT-OUTBOX"))),
                Map.entry("RegistryAuthorizerFunction", Map.of("dynamodb:BatchGetItem", Set.of("USERNAME#*", "LOGIN-FAILURES#*"),
                        "dynamodb:UpdateItem", Set.of("NAMESPACE#*", "ACCOUNT#*", "LOGIN-FAILURES#*"))),
                Map.entry("RegistryOAuthTokenFunction", Map.of("dynamodb:BatchGetItem", Set.of("USERNAME#*", "LOGIN-FAILURES#*"),
                        "dynamodb:UpdateItem", Set.of("NAMESPACE#*", "ACCOUNT#*", "LOGIN-FAILURES#*"))),
                Map.entry("ExpiryNoticeFunction", Map.of("dynamodb:GetItem", Set.of("NAMESPACE#*"))),
                Map.entry("ExpiryReconcileFunction", Map.of("dynamodb:Scan", Set.of())),
                Map.entry("CertificateFunction", Map.of("dynamodb:GetItem", Set.of("CERTIFICATE#registry"))),
                Map.entry("CertificateIssuerFunction", Map.of("dynamodb:PutItem", Set.of("CERTIFICATE#*"))),
                Map.entry("TokenMigrationFunction", Map.of("dynamodb:Scan", Set.of(),
                        "dynamodb:GetItem", Set.of("ACCOUNT#*", "NAMESPACE#*", "USERNAME#*"),
                        "dynamodb:PutItem", Set.of("ACCOUNT#*", "NAMESPACE#*", "USERNAME#*", "EVENT-OUTBOX"),
                        "dynamodb:DeleteItem", Set.of("ACCOUNT#*", "NAMESPACE#*", "USERNAME#*"),
                        "dynamodb:UpdateItem", Set.of("ACCOUNT#*", "NAMESPACE#*", "USERNAME#*"),
                        "dynamodb:ConditionCheckItem", Set.of("ACCOUNT#*", "NAMESPACE#*", "USERNAME#*")))));
        Map<String, Map<String, Set<String>>> actual = new TreeMap<>();
        functions().forEach((name, function) -> tableStatements(function).forEach(statement -> {
            Set<String> leadingKeys = new TreeSet<>();
            statement.path("Condition").properties().forEach(operator -> operator.getValue().path("dynamodb:LeadingKeys")
                    .forEach(key -> leadingKeys.add(key.asText())));
            boolean scanOnly = actions(statement).equals(List.of("dynamodb:Scan"));
            // A query of an index (the mac index's key is the MAC itself) has no table key to limit, and reaches no item's other attributes.
            boolean indexQueryOnly = actions(statement).equals(List.of("dynamodb:Query")) && statement.path("Resource").toString().contains("/index/");
            assertTrue(scanOnly || indexQueryOnly || !leadingKeys.isEmpty(), name + ": a statement on the whole table " + statement);
            statement.path("Condition").fieldNames().forEachRemaining(operator -> assertTrue(
                    operator.equals("ForAllValues:StringLike") || operator.equals("ForAllValues:StringEquals"),
                    name + ": LeadingKeys is multivalued; a single-valued operator would not limit it: " + operator));
            actions(statement).forEach(action -> actual.computeIfAbsent(name, f -> new TreeMap<>())
                    .computeIfAbsent(action, a -> new TreeSet<>()).addAll(leadingKeys));
        }));
        assertEquals(expected, actual, "actions and key prefixes by function");
    }

    @Test
    void onlyTheCertificateIssuerWritesTheCertificateAndTheCertificateFunctionReadsNothingElse() {
        Set<String> writes = Set.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem");
        functions().forEach((name, function) -> tableStatements(function).forEach(statement -> {
            if (name.equals("CertificateIssuerFunction") || actions(statement).stream().noneMatch(writes::contains)) {
                return;
            }
            statement.path("Condition").forEach(operator -> operator.path("dynamodb:LeadingKeys").forEach(pattern -> assertFalse(
                    "CERTIFICATE#registry".matches(pattern.asText().replace("*", ".*")), name + " may write the certificate: " + pattern)));
        }));
        JsonNode certificate = tableStatements(resources.path("CertificateFunction")).getFirst();
        assertEquals(1, tableStatements(resources.path("CertificateFunction")).size());
        assertEquals(List.of("dynamodb:GetItem"), actions(certificate));
        assertEquals("[\"CERTIFICATE#registry\"]", certificate.at("/Condition/ForAllValues:StringEquals/dynamodb:LeadingKeys").toString(),
                "the public function reads the certificate's key alone (no wildcard: never a USERNAME# item and its MAC)");
    }

    @Test
    void theAuthorizersUpdatesAreLimitedToTheAttributesTheyWrite() {
        for (String name : List.of("RegistryAuthorizerFunction", "RegistryOAuthTokenFunction")) {
            Set<String> attributes = new TreeSet<>();
            for (JsonNode statement : tableStatements(resources.path(name))) {
                if (!actions(statement).contains("dynamodb:UpdateItem")) {
                    continue;
                }
                assertEquals(List.of("dynamodb:UpdateItem"), actions(statement), name + ": updates in a statement of their own");
                JsonNode allowed = statement.at("/Condition/ForAllValues:StringEquals/dynamodb:Attributes");
                assertTrue(allowed.isArray() && !allowed.isEmpty(), name + ": an update without dynamodb:Attributes " + statement);
                allowed.forEach(attribute -> attributes.add(attribute.asText()));
            }
            assertEquals(new TreeSet<>(Set.of("pk", "sk", "failures", "expiresAt", "lastUsedAt", "usage")), attributes,
                    name + ": the failure counter, its expiry and a token's lastUsedAt and usage (pk and sk: the key, which IAM counts)");
        }
    }

    /** The function's Allow statements on the token table. */
    private static List<JsonNode> tableStatements(JsonNode function) {
        return function.at("/Properties/Policies").valueStream()
                .flatMap(policy -> policy.path("Statement").valueStream())
                .filter(statement -> statement.path("Effect").asText().equals("Allow"))
                .filter(statement -> statement.path("Resource").toString().contains("TokensTable"))
                .toList();
    }

    private static List<String> actions(JsonNode statement) {
        JsonNode action = statement.path("Action");
        return (action.isArray() ? action.valueStream() : Stream.of(action)).map(JsonNode::asText).toList();
    }

    @Test
    void theOpenApiDocumentsFunctionHoldsNoAwsPermission() {
        assertTrue(resources.at("/OpenApiFunction/Properties/Policies").isMissingNode(), "only the basic execution role");
        assertEquals(List.of("NONE"), authorizers(resources.path("OpenApiFunction")));
    }

    @Test
    void registryAuthorizerAnswersWithinFiveSeconds() {
        // API Gateway waits at most 10 s for a Lambda authorizer.
        String authorizer = template.at("/Resources/Api/Properties/Auth/Authorizers/RegistryBasicAuth/FunctionArn/Ref").asText()
                .replaceFirst("\\.Alias$", "");
        JsonNode timeout = resources.path(authorizer).at("/Properties/Timeout");
        int seconds = (timeout.isMissingNode() ? template.at("/Globals/Function/Timeout") : timeout).asInt();
        assertTrue(seconds > 0 && seconds <= 5, authorizer + " times out after " + seconds + " s");
    }

    @Test
    void everyTableHasDeletionProtection() {
        resources.properties().forEach(resource -> {
            if (resource.getValue().path("Type").asText().equals("AWS::DynamoDB::Table")) {
                assertTrue(resource.getValue().at("/Properties/DeletionProtectionEnabled").asBoolean(), resource.getKey());
            }
        });
    }

    @Test
    void everyFunctionHasExactlyTheEnvironmentVariablesItsHandlerReads() throws Exception {
        Map<String, Set<String>> awsClientsReads = envReadsByMethod(Files.readString(sourceOf("dev.registrytokens.aws.AwsClients")));
        Set<String> global = new TreeSet<>();
        template.at("/Globals/Function/Environment/Variables").fieldNames().forEachRemaining(global::add);
        global.remove("JAVA_TOOL_OPTIONS"); // read by every function's JVM, not by a handler
        for (Map.Entry<String, JsonNode> function : functions().entrySet()) {
            String handler = function.getValue().at("/Properties/Handler").asText().replaceFirst("::.*", "");
            String source = Files.readString(sourceOf(handler));
            Set<String> read = new TreeSet<>(literalEnvReads(source));
            Matcher call = Pattern.compile("AwsClients\\.(\\w+)\\(").matcher(source);
            while (call.find()) {
                read.addAll(awsClientsReads.get(call.group(1)));
            }
            Set<String> given = new TreeSet<>(global);
            function.getValue().at("/Properties/Environment/Variables").fieldNames().forEachRemaining(given::add);
            assertEquals(read, given, function.getKey() + " (" + handler + ")");
        }
    }

    @Test
    void apiAccessLogsGoToALogGroupWithRetentionAndCarryTheAuthorizerError() throws Exception {
        JsonNode settings = template.at("/Resources/Api/Properties/AccessLogSettings");
        String logGroup = settings.at("/DestinationArn/Fn::GetAtt/0").asText();
        assertEquals("AWS::Logs::LogGroup", resources.path(logGroup).path("Type").asText(), logGroup);
        assertEquals("LogRetentionDays", resources.path(logGroup).at("/Properties/RetentionInDays/Ref").asText());
        JsonNode format = Json.MAPPER.readTree(settings.path("Format").asText()); // one JSON object per request
        for (String variable : List.of("$context.requestId", "$context.routeKey", "$context.status",
                "$context.identity.sourceIp", "$context.authorizer.error")) {
            assertTrue(format.valueStream().anyMatch(value -> value.asText().equals(variable)), variable);
        }
    }

    @Test
    void defaultAndTokenRoutesAreThrottledByParameters() {
        JsonNode api = template.at("/Resources/Api/Properties");
        JsonNode tokenRoute = api.path("RouteSettings").path("GET /v2/token");
        for (JsonNode settings : List.of(api.path("DefaultRouteSettings"), tokenRoute)) {
            for (String limit : List.of("ThrottlingRateLimit", "ThrottlingBurstLimit")) {
                String parameter = settings.at("/" + limit + "/Ref").asText();
                assertTrue(template.at("/Parameters").has(parameter), limit + " of " + settings);
            }
        }
        assertTrue(functions().values().stream().anyMatch(function -> route(function).equals("GET /v2/token")),
                "RouteSettings name a route that exists");
    }

    @Test
    void theOptionalEdgeRateLimitsEachAddressAndVouchesForItToTheLoginFunctionsOnly() {
        for (String resource : List.of("EdgeWebAcl", "EdgeDistribution")) {
            assertEquals("UseEdge", resources.at("/" + resource + "/Condition").asText(), resource);
        }
        JsonNode rule = resources.at("/EdgeWebAcl/Properties/Rules/0");
        assertEquals("CLOUDFRONT", resources.at("/EdgeWebAcl/Properties/Scope").asText());
        assertEquals("IP", rule.at("/Statement/RateBasedStatement/AggregateKeyType").asText());
        assertEquals("EdgeRateLimitPerAddress", rule.at("/Statement/RateBasedStatement/Limit/Ref").asText());
        assertEquals(429, rule.at("/Action/Block/CustomResponse/ResponseCode").asInt());
        JsonNode origin = resources.at("/EdgeDistribution/Properties/DistributionConfig/Origins/0");
        assertEquals("x-registry-tokens-edge", origin.at("/OriginCustomHeaders/0/HeaderName").asText().toLowerCase(java.util.Locale.ROOT),
                "the header ClientAddress trusts");
        assertEquals("EdgeOriginSecret", origin.at("/OriginCustomHeaders/0/HeaderValue/Ref").asText());
        assertEquals("ApiDomainName", origin.at("/DomainName/Ref").asText());
        assertEquals(Set.of("RegistryAuthorizerFunction", "RegistryOAuthTokenFunction"), functions().entrySet().stream()
                .filter(function -> function.getValue().at("/Properties/Environment/Variables").has("EDGE_ORIGIN_SECRET"))
                .map(Map.Entry::getKey).collect(java.util.stream.Collectors.toSet()), "only the functions that count logins see the secret");
        assertTrue(template.at("/Parameters/EdgeOriginSecret/NoEcho").asBoolean());
    }

    @Test
    void jwtIssuerMustBeAnHttpsUrl() {
        JsonNode issuer = template.at("/Parameters/JwtIssuer");
        Pattern pattern = Pattern.compile(issuer.path("AllowedPattern").asText());
        assertTrue(pattern.matcher("https://idp.example.com/").matches());
        assertFalse(pattern.matcher("http://idp.example.com/").matches());
        assertFalse(pattern.matcher("idp.example.com").matches());
        assertFalse(issuer.path("ConstraintDescription").asText().isBlank());
    }

    private Map<String, JsonNode> functions() {
        Map<String, JsonNode> functions = new TreeMap<>();
        resources.properties().forEach(resource -> {
            if (resource.getValue().path("Type").asText().equals("AWS::Serverless::Function")) {
                functions.put(resource.getKey(), resource.getValue());
            }
        });
        return functions;
    }

    private static Stream<String> allowedActions(JsonNode function) {
        return function.at("/Properties/Policies").valueStream()
                .flatMap(policy -> policy.path("Statement").valueStream())
                .filter(statement -> statement.path("Effect").asText().equals("Allow"))
                .flatMap(statement -> statement.path("Action").isArray()
                        ? statement.path("Action").valueStream() : Stream.of(statement.path("Action")))
                .map(JsonNode::asText);
    }

    /** The authorizer of each HttpApi event of the function: its own, else the API's default. */
    private List<String> authorizers(JsonNode function) {
        String fallback = template.at("/Resources/Api/Properties/Auth/DefaultAuthorizer").asText("NONE");
        return function.at("/Properties/Events").valueStream()
                .filter(event -> event.path("Type").asText().equals("HttpApi"))
                .map(event -> event.at("/Properties/Auth/Authorizer").asText(fallback))
                .toList();
    }

    private static String route(JsonNode function) {
        JsonNode api = function.at("/Properties/Events/Api/Properties");
        return api.path("Method").asText() + " " + api.path("Path").asText();
    }

    private static Path sourceOf(String className) {
        return ProjectFiles.root().resolve("functions/src/main/java").resolve(className.replace('.', '/') + ".java");
    }

    /** Variables read by name; AWS_* ones are Lambda's own (region, credentials), not the template's. */
    private static Set<String> literalEnvReads(String source) {
        Set<String> names = new TreeSet<>();
        Matcher read = Pattern.compile("(?:requiredEnv|getenv)\\(\"([A-Z0-9_]+)\"\\)").matcher(source);
        while (read.find()) {
            if (!read.group(1).startsWith("AWS_")) {
                names.add(read.group(1));
            }
        }
        return names;
    }

    /** For each static method of AwsClients, the variables it reads itself or through the class's other methods. */
    private static Map<String, Set<String>> envReadsByMethod(String source) {
        Matcher declaration = Pattern.compile("static [\\w<>]+ (\\w+)\\(").matcher(source);
        Map<String, String> bodies = new LinkedHashMap<>();
        String name = null;
        int start = 0;
        while (declaration.find()) {
            if (name != null) {
                bodies.put(name, source.substring(start, declaration.start()));
            }
            name = declaration.group(1);
            start = declaration.end();
        }
        bodies.put(name, source.substring(start));
        Map<String, Set<String>> reads = new HashMap<>();
        bodies.keySet().forEach(method -> reads.put(method, envReadsOf(method, bodies, new HashSet<>())));
        return reads;
    }

    private static Set<String> envReadsOf(String method, Map<String, String> bodies, Set<String> visited) {
        Set<String> names = new TreeSet<>(literalEnvReads(bodies.get(method)));
        visited.add(method);
        Matcher call = Pattern.compile("\\b(\\w+)\\(").matcher(bodies.get(method));
        while (call.find()) {
            if (bodies.containsKey(call.group(1)) && !visited.contains(call.group(1))) {
                names.addAll(envReadsOf(call.group(1), bodies, visited));
            }
        }
        return names;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
