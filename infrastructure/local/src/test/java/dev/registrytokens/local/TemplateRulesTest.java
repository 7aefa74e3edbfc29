package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.testkit.ProjectFiles;
import dev.registrytokens.testkit.TemplateResources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** template.yaml's parameter checks as CloudFormation applies them at deploy, and as the local tools apply them too. */
class TemplateRulesTest {
    private static final JsonNode TEMPLATE = TemplateResources.readTemplate(ProjectFiles.template());

    private static List<String> allowed(String parameter) {
        List<String> values = new ArrayList<>();
        TEMPLATE.at("/Parameters/" + parameter + "/AllowedValues").forEach(value -> values.add(value.asText()));
        return values;
    }

    private static Map<String, String> lifetimes(String token, String certificate) {
        return TemplateValues.parametersWithDefaults(TEMPLATE,
                Map.of("RegistryTokenLifetimeSeconds", token, "SigningCertificateLifetimeSeconds", certificate));
    }

    @Test
    void theRulesAcceptExactlyTheLifetimesWhereTheCertificateOutlivesATokenBy120Seconds() {
        List<String> tokens = allowed("RegistryTokenLifetimeSeconds");
        List<String> certificates = allowed("SigningCertificateLifetimeSeconds");
        assertTrue(tokens.size() > 1 && certificates.size() > 1, "both lifetimes are chosen from allowed values");
        int refused = 0;
        for (String token : tokens) {
            for (String certificate : certificates) {
                boolean consistent = Long.parseLong(certificate) > Long.parseLong(token) + 120;
                if (consistent) {
                    assertDoesNotThrow(() -> lifetimes(token, certificate), token + " s tokens, " + certificate + " s certificates");
                } else {
                    refused++;
                    assertThrows(IllegalArgumentException.class, () -> lifetimes(token, certificate),
                            token + " s tokens, " + certificate + " s certificates");
                }
            }
        }
        assertTrue(refused > 0, "some pairs are inconsistent, and refused");
    }

    @Test
    void anInconsistentPairIsRefusedWithTheRulesMessage() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> lifetimes("3600", "3600"));
        assertTrue(refused.getMessage().contains("SigningCertificateLifetimeSeconds must exceed RegistryTokenLifetimeSeconds + 120"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("with 3600 s tokens, choose 7200 or more"), refused.getMessage());
    }

    @Test
    void theDefaultsAreConsistentAndValuesOutsideAllowedValuesAreRefused() {
        Map<String, String> defaults = TemplateValues.parametersWithDefaults(TEMPLATE, Map.of());
        assertEquals("300", defaults.get("RegistryTokenLifetimeSeconds"));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> lifetimes("301", "3600"));
        assertTrue(refused.getMessage().contains("RegistryTokenLifetimeSeconds' must be one of AllowedValues"), refused.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> TemplateValues.parametersWithDefaults(TEMPLATE, Map.of("LoginFailuresPerSource", "0")), "below MinValue");
    }

    @Test
    void theEdgeAndItsOriginSecretComeTogether() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> TemplateValues.parametersWithDefaults(TEMPLATE, Map.of("EdgeRateLimitPerAddress", "1000")));
        assertTrue(refused.getMessage().contains("EdgeRateLimitPerAddress needs EdgeOriginSecret"), refused.getMessage());
        assertDoesNotThrow(() -> TemplateValues.parametersWithDefaults(TEMPLATE,
                Map.of("EdgeRateLimitPerAddress", "1000", "EdgeOriginSecret", "a".repeat(32))));
        IllegalArgumentException elsewhere = assertThrows(IllegalArgumentException.class, () -> TemplateValues.parametersWithDefaults(TEMPLATE,
                Map.of("EdgeRateLimitPerAddress", "1000", "EdgeOriginSecret", "a".repeat(32), "AWS::Region", "eu-west-1")));
        assertTrue(elsewhere.getMessage().contains("us-east-1"), elsewhere.getMessage());
        IllegalArgumentException withoutEdge = assertThrows(IllegalArgumentException.class,
                () -> TemplateValues.parametersWithDefaults(TEMPLATE, Map.of("EdgeOriginSecret", "a".repeat(32))));
        assertTrue(withoutEdge.getMessage().contains("EdgeOriginSecret is for the edge only"), withoutEdge.getMessage());
    }
}
