package dev.registrytokens.putpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.core.Permission;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.core.adapters.DynamoDbTokenStore;
import dev.registrytokens.core.adapters.KmsSecretMacs;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.ApiResult;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestHandlers;
import dev.registrytokens.testing.TestStack;
import dev.registrytokens.testkit.AwsEmulator;
import java.time.Clock;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PUT and GET of a namespace's policy, and create and edit obeying it: each function through its own role, so the
 * template's grants are what is tested.
 */
@Tag("machine")
class PutPolicyHandlerTest {
    private final TestAccount owner = TestAccount.fresh();
    private final PutPolicyHandler put = new PutPolicyHandler(serviceOf("PutPolicyFunction"));
    private final Handlers handlers = new Handlers();

    /** The token service as the function's no-arg constructor wires it, under its role. */
    private static TokenService serviceOf(String function) {
        var stack = AwsEmulator.stack();
        return new TokenService(new DynamoDbTokenStore(stack.dynamoDbAs(function), stack.tableName()),
                function.equals("CreateTokenFunction") ? new KmsSecretMacs(stack.kmsAs(function), stack.macKeyId()) : null, Clock.systemUTC());
    }

    /** The other functions these tests call, each with its role. */
    private static final class Handlers {
        final PolicyBoundHandler get = new PolicyBoundHandler("dev.registrytokens.getpolicy.GetPolicyHandler", "GetPolicyFunction");
        final PolicyBoundHandler create = new PolicyBoundHandler("dev.registrytokens.create.CreateTokenHandler", "CreateTokenFunction");
        final PolicyBoundHandler edit = new PolicyBoundHandler("dev.registrytokens.edit.EditTokenHandler", "EditTokenFunction");
    }

    private record PolicyBoundHandler(String handlerClass, String function) {
        ApiResult call(ApiCall call) {
            return call.to(TestHandlers.of(handlerClass, serviceOf(function)));
        }
    }

    private ApiResult putPolicy(String body, String ifMatch) {
        ApiCall call = ApiCall.from("put-policy.json").as(owner).pathNamespace(owner.namespace()).body(body);
        return (ifMatch == null ? call.withoutHeader("If-Match") : call.header("If-Match", ifMatch)).to(put);
    }

    @Test
    void putSetsThePolicyWithItsVersionAsETagAndIfMatchGuardsIt() {
        ApiResult first = putPolicy("{\"maxLifetimeDays\":90,\"allowedPermissions\":[\"PULL\"],\"disableUnusedAfterDays\":60,"
                + "\"defaultAllowedSources\":[\"203.0.113.0/24\",\"2001:db8::/32\"]}", null).assertStatus(200);
        assertEquals("\"1\"", first.headers().get("ETag"));
        assertEquals(90, first.body().get("maxLifetimeDays").asInt());
        assertFalse(first.body().get("allowNeverExpires").asBoolean(), "a maximum lifetime rules out never");
        assertEquals("[\"PULL\"]", first.body().get("allowedPermissions").toString());
        assertEquals("[\"203.0.113.0/24\",\"2001:db8::/32\"]", first.body().get("defaultAllowedSources").toString());
        assertEquals(owner.id(), first.body().get("updatedBy").asText());

        putPolicy("{\"maxLifetimeDays\":30}", "\"7\"").assertError(412, "precondition_failed", "If-Match");
        ApiResult second = putPolicy("{\"maxLifetimeDays\":30}", "\"1\"").assertStatus(200);
        assertEquals("\"2\"", second.headers().get("ETag"));
        assertTrue(second.body().get("allowedPermissions").isNull(), "PUT replaces the whole policy");

        ApiResult read = handlers.get.call(ApiCall.from("get-policy.json").as(owner).pathNamespace(owner.namespace())).assertStatus(200);
        assertEquals("\"2\"", read.headers().get("ETag"));
        assertEquals(30, read.body().get("maxLifetimeDays").asInt());
    }

    @Test
    void onlyOwnersReadOrSetThePolicy() {
        String namespace = owner.namespace();
        ApiCall.from("put-policy.json").asMember("bob", namespace + ":member").pathNamespace(namespace).withoutHeader("If-Match").to(put)
                .assertError(403, "forbidden", null);
        handlers.get.call(ApiCall.from("get-policy.json").asMember("carol", namespace + ":viewer").pathNamespace(namespace))
                .assertError(403, "forbidden", null);
        handlers.get.call(ApiCall.from("get-policy.json").as(owner).pathNamespace("someone-elses")).assertError(404, "not_found", null);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"maxLifetimeDays":0}                              | invalid_value | maxLifetimeDays
            {"maxLifetimeDays":"90"}                           | invalid_type  | maxLifetimeDays
            {"allowNeverExpires":"no"}                         | invalid_type  | allowNeverExpires
            {"allowedPermissions":[]}                          | invalid_value | allowedPermissions
            {"allowedPermissions":["PUSH"]}                    | invalid_value | allowedPermissions[0]
            {"disableUnusedAfterDays":3651}                    | invalid_value | disableUnusedAfterDays
            {"defaultAllowedSources":["10.0.0.0/33"]}          | invalid_value | defaultAllowedSources[0]
            {"defaultAllowedSources":["10.0.0.1/8","host.example/8"]} | invalid_value | defaultAllowedSources[1]
            {"defaultAllowedSources":["2001:db8::"]}           | invalid_value | defaultAllowedSources[0]
            {"defaultAllowedSources":[]}                       | invalid_value | defaultAllowedSources
            {"sneaky":1}                                       | unknown_field | sneaky
            """)
    void aBadPolicyIs400WithItsFieldAndIsNotStored(String body, String code, String field) {
        putPolicy(body, null).assertError(400, code, field);
        assertTrue(TestStack.store().findPolicy(owner.namespace()).isEmpty());
    }

    @Test
    void moreThanTwentyDefaultSourcesIs400() {
        String sources = java.util.stream.IntStream.range(0, 21).mapToObj(i -> "\"10.0." + i + ".0/24\"").collect(Collectors.joining(","));
        putPolicy("{\"defaultAllowedSources\":[" + sources + "]}", null).assertError(400, "invalid_value", "defaultAllowedSources");
    }

    @Test
    void createAndEditThatBreakThePolicyAre400PolicyViolationAndExistingTokensAreListedNotChanged() {
        TokenView pusher = TestStack.createToken(owner, "pusher", Permission.PULL_PUSH, 30);
        TokenView forever = TestStack.createToken(owner, "forever", Permission.PULL, null);
        ApiResult set = putPolicy("{\"maxLifetimeDays\":90,\"allowedPermissions\":[\"PULL\"]}", null).assertStatus(200);
        assertEquals(java.util.Set.of(pusher.id() + " permission", forever.id() + " expiresAt"),
                set.body().get("violations").valueStream().map(v -> v.get("tokenId").asText() + " " + v.get("field").asText())
                        .collect(Collectors.toSet()));
        assertEquals("PULL_PUSH", TestStack.store().findToken(owner.namespace(), pusher.id()).orElseThrow().permission().name());

        ApiCall create = ApiCall.from("create-token.json").as(owner);
        handlers.create.call(create.body("{\"name\":\"too-long\",\"permission\":\"PULL\",\"expiresInDays\":91}"))
                .assertError(400, "policy_violation", "expiresInDays");
        handlers.create.call(ApiCall.from("create-token.json").as(owner).body("{\"name\":\"never\",\"permission\":\"PULL\",\"expiresInDays\":null}"))
                .assertError(400, "policy_violation", "expiresInDays");
        handlers.create.call(ApiCall.from("create-token.json").as(owner).body("{\"name\":\"push\",\"permission\":\"PULL_PUSH\",\"expiresInDays\":30}"))
                .assertError(400, "policy_violation", "permission");
        handlers.create.call(ApiCall.from("create-token.json").as(owner).body("{\"name\":\"rules\",\"permission\":\"PULL\",\"expiresInDays\":30,"
                + "\"repositories\":[{\"pattern\":\"app\",\"permission\":\"PULL_PUSH\"}]}")).assertError(400, "policy_violation", "repositories[0].permission");
        String allowed = handlers.create.call(ApiCall.from("create-token.json").as(owner)
                .body("{\"name\":\"allowed\",\"permission\":\"PULL\",\"expiresInDays\":90}")).assertStatus(201).id();

        handlers.edit.call(ApiCall.from("edit-token.json").as(owner).id(allowed).body("{\"expiresInDays\":120}"))
                .assertError(400, "policy_violation", "expiresInDays");
        handlers.edit.call(ApiCall.from("edit-token.json").as(owner).id(allowed).body("{\"permission\":\"PULL_PUSH\"}"))
                .assertError(400, "policy_violation", "permission");
        handlers.edit.call(ApiCall.from("edit-token.json").as(owner).id(pusher.id()).body("{\"description\":\"kept as it is\"}"))
                .assertStatus(200);
    }
}
