package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.registrytokens.testkit.AwsEmulator;
import dev.registrytokens.testkit.EmulatorIam;
import dev.registrytokens.testkit.ProjectFiles;
import dev.registrytokens.testkit.SamBuild;
import dev.registrytokens.testkit.TemplateResources;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * IAM is enforced on the functions' local runtimes as on AWS: the /certs.pem function, run from its sam build artefact
 * with credentials of its role, serves the certificate; run with a role made from a copy of the template whose policy
 * lacks its one action (dynamodb:GetItem), its read is refused by the emulator (as its record of authorizations shows)
 * and it answers 503.
 */
@Tag("machine")
class IamEnforcementTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FUNCTION = "CertificateFunction";

    @Test
    void theCertificateFunctionServesWithItsRoleAndAnswers503WhenGetItemIsRemovedFromIt() throws Exception {
        AwsEmulator.Stack stack = AwsEmulator.stack();
        JsonNode template = TemplateResources.readTemplate(ProjectFiles.template());
        assertEquals("dynamodb:GetItem", template.at("/Resources/" + FUNCTION + "/Properties/Policies/0/Statement/0/Action").asText(),
                "the action this test removes is the function's one action");

        Invoked granted = invoke(stack.physicalIds());
        assertEquals(200, granted.response().path("statusCode").asInt(), granted.logs());
        assertTrue(granted.response().path("body").asText().startsWith("-----BEGIN CERTIFICATE-----"));

        ObjectNode withoutGetItem = template.deepCopy();
        ((ObjectNode) withoutGetItem.at("/Resources/" + FUNCTION + "/Properties")).remove("Policies");
        Map<String, String> physicalIds = new HashMap<>(stack.physicalIds());
        physicalIds.putAll(EmulatorIam.createRoles(stack.endpoint(), withoutGetItem, stack.physicalIds(),
                EmulatorIam.functionRoles(EmulatorIam.temporaryCopy(withoutGetItem)), "without-getitem-"));

        Invoked refused = invoke(physicalIds);
        assertEquals(503, refused.response().path("statusCode").asInt(), refused.logs());
        assertTrue(refused.response().path("headers").has("Retry-After") || refused.response().path("headers").has("retry-after"),
                refused.response().toString());
        assertTrue(Files.readAllLines(AwsEmulator.callRecord()).stream().map(IamEnforcementTest::parse).anyMatch(call ->
                        call.path("role").asText().equals("without-getitem-" + FUNCTION + "Role")
                                && call.path("action").asText().equals("dynamodb:GetItem") && !call.path("allowed").asBoolean()),
                "the emulator refused the role's dynamodb:GetItem");
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private record Invoked(JsonNode response, String logs) {
    }

    /** One cold invocation of the function's artefact, its runtime handed credentials of the role in {@code physicalIds}. */
    private static Invoked invoke(Map<String, String> physicalIds) throws Exception {
        AwsEmulator.Stack stack = AwsEmulator.stack();
        Path root = ProjectFiles.root();
        LocalRuntimeArgs.Settings settings = new LocalRuntimeArgs.Settings(Path.of(LocalApiProcess.runtimeInterfaceEmulator()),
                root.resolve("infrastructure/local/bootstrap"), root.resolve("infrastructure/lambda-runtime/target/runtime"),
                SamBuild.artefacts(), stack.endpoint(), AwsEmulator.REGION.id(), 1);
        JsonNode template = TemplateResources.readTemplate(ProjectFiles.template());
        LambdaFunctionSpec function = LambdaFunctionSpec.fromTemplate(template,
                new TemplateValues(TemplateValues.parametersWithDefaults(template, Map.of(
                        "JwtIssuer", "https://issuer.invalid/", "JwtAudience", "registry-tokens-local")), physicalIds)).get(FUNCTION);
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        try (ContainerCredentials credentials = ContainerCredentials.start(stack.endpoint(), physicalIds);
             PrintStream logStream = new PrintStream(logs, true, StandardCharsets.UTF_8);
             LocalLambda lambda = new LocalLambda(function, settings.runtime(credentials, logStream))) {
            byte[] response = lambda.invoke(Files.readAllBytes(ProjectFiles.event(LocalInvoke.eventFileOf(FUNCTION)))).response();
            // The runtime's log lines arrive on their own thread; the answer comes after the function logged its cause.
            Thread.sleep(500);
            return new Invoked(JSON.readTree(response), logs.toString(StandardCharsets.UTF_8));
        }
    }
}
