package dev.registrytokens.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.aws.AwsClients.Timeouts;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.DependencyFault;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestStack;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("machine")
class ListTokensHandlerTest {
    private final ListTokensHandler handler = new ListTokensHandler(TestStack.tokenService());
    private final TestAccount owner = TestAccount.fresh();

    private static List<String> names(JsonNode page) {
        List<String> names = new ArrayList<>();
        page.get("items").forEach(item -> names.add(item.get("name").asText()));
        return names;
    }

    @Test
    void listsNewestFirstInPagesUntilTheCursorIsNull() throws InterruptedException {
        for (String name : List.of("t1", "t2", "t3", "t4", "t5")) {
            TestStack.createToken(owner, name, Permission.PULL, 3);
            Thread.sleep(2); // distinct creation milliseconds, so "newest first" has one answer
        }
        var first = ApiCall.from("list-tokens.json").as(owner).query("limit", "2").to(handler).assertStatus(200).body();
        assertEquals(List.of("t5", "t4"), names(first));
        var second = ApiCall.from("list-tokens.json").as(owner).query("limit", "2")
                .query("cursor", first.get("nextCursor").asText()).to(handler).assertStatus(200).body();
        assertEquals(List.of("t3", "t2"), names(second));
        var last = ApiCall.from("list-tokens.json").as(owner).query("limit", "2")
                .query("cursor", second.get("nextCursor").asText()).to(handler).assertStatus(200).body();
        assertEquals(List.of("t1"), names(last));
        assertTrue(last.get("nextCursor").isNull());
    }

    @Test
    void defaultsToFiftyAndNeverShowsSecretsOrOtherAccountsTokens() {
        for (int i = 0; i < 51; i++) {
            TestStack.createToken(owner, "mine-" + i, Permission.PULL_PUSH, null);
        }
        TestStack.createToken(TestAccount.fresh(), "theirs", Permission.PULL, null);
        var page = ApiCall.from("list-tokens.json").as(owner).noQuery().to(handler).assertStatus(200).body();
        assertEquals(50, page.get("items").size(), "without limit, a page of 50");
        assertTrue(names(page).stream().allMatch(name -> name.startsWith("mine-")), "only the account's own tokens");
        page.get("items").forEach(item -> assertFalse(item.has("secret")));
        var rest = ApiCall.from("list-tokens.json").as(owner).noQuery().query("cursor", page.get("nextCursor").asText())
                .to(handler).assertStatus(200).body();
        assertEquals(List.of("mine-0"), names(rest), "the 51st, oldest, on the next page");
        assertTrue(rest.get("nextCursor").isNull());
    }

    @Test
    void emptyAccountListsNothing() {
        var page = ApiCall.from("list-tokens.json").as(owner).to(handler).assertStatus(200).body();
        assertEquals(0, page.get("items").size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "-1", "ten", "1.5"})
    void rejectsLimitOutsideOneToHundred(String limit) {
        ApiCall.from("list-tokens.json").as(owner).query("limit", limit).to(handler).assertError(400, "invalid_value", "limit");
    }

    @Test
    void rejectsACursorItDidNotHandOut() {
        ApiCall.from("list-tokens.json").as(owner).query("cursor", "bm90LWEtY3Vyc29y").to(handler)
                .assertError(400, "invalid_value", "cursor");
    }

    @Test
    void malformedPercentEncodingAndARepeatedLimitAreInvalidRequests() {
        ApiCall.from("list-tokens.json").as(owner).rawQuery("cursor=%zz").to(handler).assertError(400, "invalid_request", null);
        ApiCall.from("list-tokens.json").as(owner).rawQuery("limit=2&limit=3").to(handler).assertError(400, "invalid_request", "limit");
    }

    /** The document's cursor pattern and the server agree: what it allows lists (from after that id), the rest is 400. */
    @ParameterizedTest
    @ValueSource(strings = {"01m8xaxnszjdqr5kjavgnjbsp9", "7zzzzzzzzzzzzzzzzzzzzzzzzz", "00000000000000000000000000", "0", "",
            "01M8XAXNSZJDQR5KJAVGNJBSP9", "81m8xaxnszjdqr5kjavgnjbsp9", "01m8xaxnszjdqr5kjavgnjbsp", "01m8xaxnszjdqr5kjavgnjbsp90",
            "01m8xaxnszjdqr5kjavgnjbspu", "01m8xaxnszjdqr5kjavgnjbspi", "01m8xaxnszjdqr5kjavgnjbspl", "01m8xaxnszjdqr5kjavgnjbspo",
            "01m8xaxnszjdqr5kjavgnjbsp9\n", "MDFtOHhheG5zempkcXI1a2phdmduamJzcDk", "bm90LWEtY3Vyc29y"})
    void acceptsExactlyTheCursorsTheDocumentDescribes(String cursor) {
        TestStack.createToken(owner, "paged", Permission.PULL, 3);
        java.util.regex.Pattern documented = java.util.regex.Pattern.compile(dev.registrytokens.testkit.OpenApiContract.document()
                .at("/paths/~1tokens/get/parameters").findValues("pattern").getFirst().asText());
        var answer = ApiCall.from("list-tokens.json").as(owner).query("cursor", cursor).to(handler);
        if (documented.matcher(cursor).matches()) {
            answer.assertStatus(200);
        } else {
            answer.assertError(400, "invalid_value", "cursor");
        }
    }

    @Test
    void theNextCursorIsTheLastListedTokensIdAsTheDocumentStates() throws InterruptedException {
        for (String name : List.of("c1", "c2", "c3")) {
            TestStack.createToken(owner, name, Permission.PULL, 3);
            Thread.sleep(2);
        }
        var page = ApiCall.from("list-tokens.json").as(owner).query("limit", "2").to(handler).assertStatus(200).body();
        assertEquals(page.get("items").get(1).get("id").asText(), page.get("nextCursor").asText());
    }

    @ParameterizedTest
    @EnumSource(DependencyFault.class)
    void failsWith503AndChangesNothingWhenDynamoDbFails(DependencyFault fault) {
        TokenView token = TestStack.createToken(owner, "outage", Permission.PULL, 30);
        ApiCall.from("list-tokens.json").as(owner).id(token.id())
                .to(new ListTokensHandler(new TokenService(TestStack.store(fault, Timeouts.MANAGEMENT), null, Clock.systemUTC()))).assertUnavailable();
        String cause = switch (fault) {
            case UNREACHABLE -> "connect";
            case HUNG -> "timeout";
            case THROTTLING -> "throttle";
        };
        assertTrue(dev.registrytokens.testing.CapturedOutput.text().contains("\"status\":503,\"failure\":\"service_unavailable\",\"cause\":\"The token table: " + cause + " ("),
                "the 503's log line names the dependency and the kind of trouble");
        assertEquals(1, TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().version());
        assertEquals(1, TestStack.store().findLogin(token.username()).orElseThrow().version());
    }
}
