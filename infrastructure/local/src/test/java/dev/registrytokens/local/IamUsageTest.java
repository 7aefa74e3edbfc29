package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.registrytokens.testkit.AwsEmulator;
import dev.registrytokens.testkit.EmulatorIam;
import dev.registrytokens.testkit.ProjectFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Each function's role grants exactly what its tests used: every AWS call a function made with its role, in the
 * end-to-end tests here (each function in its local runtime) and in the functions module's tests (the custom
 * resources at provisioning, the migration), was authorized (none missing), and every granted action was used at
 * least once (none unused). Reads the emulators' records of authorizations, so it runs after every other class of the
 * suite ({@code ./dev test}); alone it would find the actions of the tests that did not run unused.
 */
@Order(Integer.MAX_VALUE)
@Tag("machine")
class IamUsageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The roles the harness provisions for the template's functions ({@code "test-" + function + "Role"}). */
    private static final String ROLE_PREFIX = "test-";

    @Test
    void everyFunctionWasGrantedEveryActionItsTestsCalledAndUsedEveryActionItWasGranted() {
        Map<String, TreeSet<String>> granted = EmulatorIam.grantedActions(EmulatorIam.functionRoles(ProjectFiles.template()));
        Map<String, TreeSet<String>> used = new TreeMap<>();
        Map<String, TreeSet<String>> refused = new TreeMap<>();
        for (Path record : List.of(ProjectFiles.root().resolve("functions/target/aws-calls.jsonl"), AwsEmulator.callRecord())) {
            assertTrue(Files.exists(record), record + " is missing: run the whole suite (./dev test)");
            for (JsonNode call : read(record)) {
                String role = call.path("role").asText();
                if (!role.startsWith(ROLE_PREFIX)) {
                    continue; // a role a test made on purpose (IamEnforcementTest)
                }
                String function = role.substring(ROLE_PREFIX.length(), role.length() - EmulatorIam.ROLE_SUFFIX.length());
                (call.path("allowed").asBoolean() ? used : refused).computeIfAbsent(function, f -> new TreeSet<>())
                        .add(call.path("action").asText().toLowerCase());
            }
        }
        Map<String, TreeSet<String>> unused = new TreeMap<>();
        StringBuilder table = new StringBuilder("IAM actions by function (granted, used by its tests):\n");
        granted.forEach((function, actions) -> {
            TreeSet<String> notUsed = new TreeSet<>(actions);
            notUsed.removeAll(used.getOrDefault(function, new TreeSet<>()));
            if (!notUsed.isEmpty()) {
                unused.put(function, notUsed);
            }
            table.append(String.format("  %-28s granted %s, used %s%n", function, actions, used.getOrDefault(function, new TreeSet<>())));
        });
        System.out.print(table);
        assertEquals(Map.of(), refused, "calls refused for want of an action (missing from the role)\n" + table);
        assertEquals(Map.of(), unused, "actions granted that no test used (unused)\n" + table);
        assertTrue(used.keySet().stream().allMatch(granted::containsKey), "calls by a role no function has: " + used.keySet());
    }

    private static List<JsonNode> read(Path record) {
        try {
            return Files.readAllLines(record).stream().map(line -> {
                try {
                    return JSON.readTree(line);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
