package dev.registrytokens;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.core.Permission;
import dev.registrytokens.testing.CapturedOutput;
import dev.registrytokens.testing.IssuedSecrets;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestStack;
import dev.registrytokens.testkit.AwsEmulator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Runs last (see junit-platform.properties): no secret issued during the suite, nor an Authorization header, was stored or logged. */
@Order(Integer.MAX_VALUE)
@Tag("machine")
class NoSecretLeakTest {
    @Test
    void noIssuedSecretAppearsInAnyTableItemOrLogLine() {
        TestStack.createToken(TestAccount.fresh(), "leak-probe", Permission.PULL, 1);
        List<String> secrets = IssuedSecrets.all();
        assertFalse(secrets.isEmpty());
        System.out.println("checking " + secrets.size() + " issued secrets against the table and the logs");

        StringBuilder everythingStored = new StringBuilder();
        TestStack.dynamoDb().scanPaginator(scan -> scan.tableName(AwsEmulator.stack().tableName()))
                .items().forEach(item -> append(everythingStored, item));
        assertTrue(everythingStored.indexOf("USERNAME#") >= 0, "the scan saw the login records");
        String logs = CapturedOutput.text();
        // Whatever ran before (the whole suite, or only this test) wrote through the captured streams.
        assertTrue(logs.contains("checking " + secrets.size() + " issued secrets"), "the output was captured");

        assertFalse(everythingStored.indexOf("Basic ") >= 0, "an Authorization header is stored in the table");
        for (String secret : secrets) {
            assertFalse(everythingStored.indexOf(secret) >= 0, "a secret is stored in the table");
            assertFalse(logs.contains(secret), "a secret appears in the logs");
        }
    }

    private static void append(StringBuilder out, Map<String, AttributeValue> item) {
        item.forEach((name, value) -> {
            out.append(name).append('=');
            if (value.s() != null) {
                out.append(value.s());
            } else if (value.b() != null) {
                out.append(new String(value.b().asByteArray(), StandardCharsets.ISO_8859_1));
            } else {
                out.append(value);
            }
            out.append('\n');
        });
    }
}
