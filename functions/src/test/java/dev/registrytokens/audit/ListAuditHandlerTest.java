package dev.registrytokens.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.core.AuditLog;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.adapters.DynamoDbAuditStore;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.ApiResult;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestHandlers;
import dev.registrytokens.testing.TestStack;
import dev.registrytokens.testkit.AwsEmulator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/** The audit route over the emulator's table, read with the ListAuditFunction's role, with changes made through the real handlers. */
@Tag("machine")
class ListAuditHandlerTest {
    private final ListAuditHandler handler = new ListAuditHandler(
            new AuditLog(new DynamoDbAuditStore(AwsEmulator.stack().dynamoDbAs("ListAuditFunction"), AwsEmulator.stack().tableName()), null,
                    Clock.systemUTC()));
    private final TestAccount owner = TestAccount.fresh();
    private final TokenService tokens = TestStack.tokenService();

    private ApiResult change(String handlerClass, String eventFile, String tokenId, String body) {
        ApiCall call = ApiCall.from(eventFile).as(owner).source("198.51.100.9").requestId("req-" + eventFile);
        if (tokenId != null) {
            call.id(tokenId);
        }
        if (body != null) {
            call.body(body);
        }
        return call.withoutHeader("If-Match").to(TestHandlers.of(handlerClass, tokens));
    }

    private JsonNode audit(String namespacesClaim, String... query) {
        ApiCall call = ApiCall.from("list-audit.json").asMember("someone", namespacesClaim).pathNamespace(owner.namespace()).noQuery();
        for (int i = 0; i < query.length; i += 2) {
            call.query(query[i], query[i + 1]);
        }
        return call.to(handler).assertStatus(200).body();
    }

    private static List<String> actions(JsonNode page) {
        List<String> actions = new ArrayList<>();
        page.get("items").forEach(item -> actions.add(item.get("action").asText()));
        return actions;
    }

    @Test
    void everyMemberPagesTheLogNewestFirstWithEachChangesActorAndDiff() throws InterruptedException {
        String id = change("dev.registrytokens.create.CreateTokenHandler", "create-token.json", null,
                "{\"name\":\"audited\",\"permission\":\"PULL\",\"expiresInDays\":30}").assertStatus(201).body().get("id").asText();
        String other = change("dev.registrytokens.create.CreateTokenHandler", "create-token.json", null,
                "{\"name\":\"other\",\"permission\":\"PULL\",\"expiresInDays\":null}").assertStatus(201).body().get("id").asText();
        Thread.sleep(2); // distinct milliseconds, so "newest first" has one answer
        change("dev.registrytokens.edit.EditTokenHandler", "edit-token.json", id, "{\"permission\":\"PULL_PUSH\"}").assertStatus(200);
        Thread.sleep(2);
        change("dev.registrytokens.disable.DisableTokenHandler", "disable-token.json", id, null).assertStatus(200);
        Thread.sleep(2);
        change("dev.registrytokens.delete.DeleteTokenHandler", "delete-token.json", id, null).assertStatus(204);

        JsonNode first = audit(owner.namespace() + ":viewer", "limit", "2");
        assertEquals(List.of("delete", "disable"), actions(first));
        JsonNode rest = audit(owner.namespace() + ":viewer", "limit", "5", "cursor", first.get("nextCursor").asText());
        assertEquals(List.of("edit", "create", "create"), actions(rest));
        assertTrue(rest.get("nextCursor").isNull());

        JsonNode edit = rest.get("items").get(0);
        assertEquals(id, edit.get("tokenId").asText());
        assertEquals("audited", edit.get("tokenName").asText());
        assertEquals(owner.id(), edit.at("/actor/sub").asText());
        assertEquals("owner", edit.at("/actor/role").asText());
        assertEquals("198.51.100.9", edit.at("/actor/sourceIp").asText());
        assertEquals("curl/8.5.0", edit.at("/actor/userAgent").asText());
        assertEquals("req-edit-token.json", edit.at("/actor/requestId").asText());
        assertEquals("[{\"field\":\"permission\",\"before\":\"PULL\",\"after\":\"PULL_PUSH\"}]", edit.get("changes").toString());

        JsonNode ofToken = audit(owner.namespace() + ":member", "tokenId", id);
        assertEquals(List.of("delete", "disable", "edit", "create"), actions(ofToken));
        assertEquals(List.of("create"), actions(audit(owner.namespace() + ":viewer", "tokenId", other)));
    }

    @Test
    void anotherNamespacesMemberGets404AndBadParametersAre400() {
        TestStack.createToken(owner, "private", dev.registrytokens.core.Permission.PULL, 1);
        ApiCall.from("list-audit.json").asMember("stranger", "elsewhere:owner").pathNamespace(owner.namespace()).to(handler)
                .assertStatus(404);
        ApiCall.from("list-audit.json").asMember("someone", owner.namespace() + ":viewer").pathNamespace(owner.namespace())
                .query("limit", "0").to(handler).assertError(400, "invalid_value", "limit");
        ApiCall.from("list-audit.json").asMember("someone", owner.namespace() + ":viewer").pathNamespace(owner.namespace())
                .query("tokenId", "not-an-id").to(handler).assertError(400, "invalid_value", "tokenId");
    }

    @Test
    void aChangeWhoseAuditWriteFailsIsNotMade() {
        String id = TestStack.createToken(owner, "kept", dev.registrytokens.core.Permission.PULL, 1).id();
        TokenService failingAudit = new TokenService(TestStack.store(new AuditPutToMissingTable()), null, Clock.systemUTC());
        ApiCall.from("disable-token.json").as(owner).id(id).withoutHeader("If-Match")
                .to(TestHandlers.of("dev.registrytokens.disable.DisableTokenHandler", failingAudit)).assertUnavailable();
        var token = TestStack.store().findToken(owner.namespace(), id).orElseThrow();
        assertEquals(dev.registrytokens.core.TokenStatus.ENABLED, token.status());
        assertEquals(1, token.version());
        assertEquals(List.of("create"), actions(audit(owner.namespace() + ":viewer")));
    }

    /** Sends each transaction's audit item to a table that does not exist, so that DynamoDB cancels the transaction. */
    private static final class AuditPutToMissingTable implements ExecutionInterceptor {
        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
            if (!(context.request() instanceof TransactWriteItemsRequest transaction)) {
                return context.request();
            }
            List<TransactWriteItem> items = transaction.transactItems().stream()
                    .map(item -> item.put() != null && item.put().item().get("sk").s().startsWith("AUDIT#")
                            ? item.toBuilder().put(item.put().toBuilder().tableName("no-such-table").build()).build() : item)
                    .toList();
            return transaction.toBuilder().transactItems(items).build();
        }
    }
}
