package dev.registrytokens.namespaces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.registrytokens.core.CreateTokenRequest;
import dev.registrytokens.core.Membership;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.Role;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.IssuedSecrets;
import dev.registrytokens.testing.TestHandlers;
import dev.registrytokens.testing.TestStack;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Membership comes from the JWT's claims on every request: both forms of the namespaces claim, and what is refused. */
@Tag("machine")
class NamespaceClaimsTest {
    private static final TokenService TOKENS = TestStack.tokenService();
    private static final String GET = "dev.registrytokens.get.GetTokenHandler";
    private static final String LIST = "dev.registrytokens.list.ListTokensHandler";
    private final String team = "team" + UUID.randomUUID().toString().substring(0, 8);
    private final String other = "other" + UUID.randomUUID().toString().substring(0, 8);

    private List<String> namespacesOf(String claim) {
        var body = ApiCall.from("list-namespaces.json").asMember("someone", claim).to(new ListNamespacesHandler(ApiRequest.DEFAULT_NAMESPACES_CLAIM))
                .assertStatus(200).body();
        return body.path("items").valueStream().map(item -> item.path("namespace").asText() + ":" + item.path("role").asText()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"widgets:member acme:owner", "[widgets:member acme:owner]", "  acme:owner   widgets:member "})
    void readsTheNamespacesClaimAsASpaceSeparatedStringOrAsApiGatewayRendersAnArray(String claim) {
        assertEquals(List.of("acme:owner", "widgets:member"), namespacesOf(claim));
    }

    @Test
    void aNamespaceNamedTwiceCountsWithItsHigherRoleAndMalformedPairsGrantNothing() {
        assertEquals(List.of("acme:owner", "beta:viewer"),
                namespacesOf("acme:viewer acme:owner beta:viewer gamma:admin Bad:owner delta noRole: :owner"));
    }

    @Test
    void theNamespaceClaimMakesItsNamespaceTheCallersOwnAndTheTokensRoutesActOnIt() {
        TokenView token = create(team);
        var listed = ApiCall.from("list-tokens.json").asMember("someone", "widgets:viewer").claim("namespace", team)
                .to(TestHandlers.of(LIST, TOKENS)).assertStatus(200).body();
        assertEquals(List.of(token.id()), listed.path("items").valueStream().map(item -> item.path("id").asText()).toList());
        var namespaces = ApiCall.from("list-namespaces.json").asMember("someone", "widgets:viewer").claim("namespace", team)
                .to(new ListNamespacesHandler(ApiRequest.DEFAULT_NAMESPACES_CLAIM)).body();
        assertEquals(List.of(team + ":owner", "widgets:viewer"),
                namespaces.path("items").valueStream().map(i -> i.path("namespace").asText() + ":" + i.path("role").asText()).toList());
    }

    @Test
    void aCallerWithNeitherClaimIsRefusedWith403NoNamespaceAndSubIsNeverANamespace() {
        ApiCall.from("list-namespaces.json").asMember("acme", null).to(new ListNamespacesHandler(ApiRequest.DEFAULT_NAMESPACES_CLAIM))
                .assertError(403, "no_namespace", null);
        ApiCall.from("list-tokens.json").asMember("acme", null).namespace("acme").to(TestHandlers.of(LIST, TOKENS))
                .assertError(403, "no_namespace", null);
        ApiCall.from("list-tokens.json").asMember("acme", null).to(TestHandlers.of(LIST, TOKENS))
                .assertError(403, "no_namespace", null);
    }

    @Test
    void theTokensRoutesWithoutANamespaceClaimSayWhereToGo() {
        ApiCall.from("list-tokens.json").asMember("someone", team + ":owner").to(TestHandlers.of(LIST, TOKENS))
                .assertError(403, "no_namespace", null);
    }

    @Test
    void aTokenIsFoundOnlyUnderItsOwnNamespacesPathEvenForAMemberOfBoth() {
        TokenView token = create(team);
        String both = team + ":owner " + other + ":owner";
        ApiCall.from("get-token.json").asMember("someone", both).namespace(team).id(token.id()).to(TestHandlers.of(GET, TOKENS))
                .assertStatus(200);
        ApiCall.from("get-token.json").asMember("someone", both).namespace(other).id(token.id()).to(TestHandlers.of(GET, TOKENS))
                .assertError(404, "not_found", null);
    }

    @Test
    void someoneRemovedFromANamespaceLosesAccessWithTheirNextRequest() {
        TokenView token = create(team);
        ApiCall.from("get-token.json").asMember("leaver", team + ":owner").namespace(team).id(token.id()).to(TestHandlers.of(GET, TOKENS))
                .assertStatus(200);
        ApiCall.from("get-token.json").asMember("leaver", other + ":owner").namespace(team).id(token.id()).to(TestHandlers.of(GET, TOKENS))
                .assertError(404, "not_found", null);
        ApiCall.from("list-tokens.json").asMember("leaver", other + ":owner").namespace(team).to(TestHandlers.of(LIST, TOKENS))
                .assertError(404, "not_found", null);
    }

    @Test
    void anInvalidNamespaceInThePathIsNotFound() {
        ApiCall.from("list-tokens.json").asMember("someone", team + ":owner").namespace("Not_A-Namespace")
                .to(TestHandlers.of(LIST, TOKENS)).assertStatus(404);
    }

    private static TokenView create(String namespace) {
        TokenView token = TOKENS.create(new Membership("creator", namespace, Role.OWNER),
                new CreateTokenRequest("t" + UUID.randomUUID().toString().substring(0, 8), Permission.PULL, null, 30, null));
        IssuedSecrets.remember(token.secret());
        return token;
    }
}
