package dev.registrytokens.testing;

import dev.registrytokens.certificateissuer.CertificateIssuerHandler;
import dev.registrytokens.migration.TokenMigrationHandler;
import dev.registrytokens.testkit.CustomResources;
import java.util.Map;

/** The functions' custom resources, for the stack of the functions' tests (a service the testkit loads). */
public final class FunctionCustomResources implements CustomResources {
    @Override
    public Map<String, Create> byType() {
        return Map.of(
                "Custom::RegistryCertificate",
                (stack, function, properties) -> CertificateIssuerHandler.issue(stack.kmsAs(function), stack.dynamoDbAs(function), properties),
                "Custom::TokenMigration", (stack, function, properties) -> TokenMigrationHandler.migrate(stack.dynamoDbAs(function), properties));
    }
}
