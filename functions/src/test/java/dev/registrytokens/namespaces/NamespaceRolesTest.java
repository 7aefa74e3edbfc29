package dev.registrytokens.namespaces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.registrytokens.core.CreateTokenRequest;
import dev.registrytokens.core.Membership;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.Role;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.ApiResult;
import dev.registrytokens.testing.IssuedSecrets;
import dev.registrytokens.testing.TestHandlers;
import dev.registrytokens.testing.TestStack;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The role × action matrix, through the handlers on the {@code /namespaces/{namespace}/tokens…} routes: an owner, a
 * member and a viewer of a namespace, each against a token they created, a token another member created and a token of
 * a namespace they are not in, for every action; exact status and error code, and a refused change changes nothing.
 */
@Tag("machine")
class NamespaceRolesTest {
    private static final TokenService TOKENS = TestStack.tokenService();
    private static final String TEAM = "team" + UUID.randomUUID().toString().substring(0, 8);
    private static final String FOREIGN = "foreign" + UUID.randomUUID().toString().substring(0, 8);

    enum Target { OWN, OTHER_MEMBERS, FOREIGN_NAMESPACE }

    enum Action {
        LIST("list-tokens.json", "dev.registrytokens.list.ListTokensHandler"),
        GET("get-token.json", "dev.registrytokens.get.GetTokenHandler"),
        CREATE("create-token.json", "dev.registrytokens.create.CreateTokenHandler"),
        EDIT("edit-token.json", "dev.registrytokens.edit.EditTokenHandler"),
        RESET("reset-token.json", "dev.registrytokens.reset.ResetTokenHandler"),
        ENABLE("enable-token.json", "dev.registrytokens.enable.EnableTokenHandler"),
        DISABLE("disable-token.json", "dev.registrytokens.disable.DisableTokenHandler"),
        DELETE("delete-token.json", "dev.registrytokens.delete.DeleteTokenHandler");

        final String event;
        final String handler;

        Action(String event, String handler) {
            this.event = event;
            this.handler = handler;
        }

        boolean changesAToken() {
            return this != LIST && this != GET && this != CREATE;
        }
    }

    static Stream<Arguments> matrix() {
        List<Arguments> cells = new ArrayList<>();
        for (Role role : Role.values()) {
            for (Target target : Target.values()) {
                for (Action action : Action.values()) {
                    cells.add(Arguments.of(role, target, action, expected(role, target, action)));
                }
            }
        }
        return cells.stream();
    }

    /** The rules, written out: what the issue asks of each role. */
    private static String expected(Role role, Target target, Action action) {
        if (target == Target.FOREIGN_NAMESPACE) {
            return "404 not_found";
        }
        int success = switch (action) {
            case CREATE -> 201;
            case DELETE -> 204;
            default -> 200;
        };
        return switch (action) {
            case LIST, GET -> String.valueOf(success);
            case CREATE -> role == Role.VIEWER ? "403 forbidden" : String.valueOf(success);
            default -> role == Role.OWNER || (role == Role.MEMBER && target == Target.OWN) ? String.valueOf(success) : "403 forbidden";
        };
    }

    @ParameterizedTest(name = "{0} on {1}: {2} is {3}")
    @MethodSource("matrix")
    void eachRoleMayDoExactlyWhatItsRoleAllows(Role role, Target target, Action action, String expected) {
        String actor = "actor-" + UUID.randomUUID();
        String namespace = target == Target.FOREIGN_NAMESPACE ? FOREIGN : TEAM;
        // A viewer's "own" token is one they made while still a member: the role they have now is what counts.
        String creator = switch (target) {
            case OWN -> actor;
            case OTHER_MEMBERS -> "colleague-" + UUID.randomUUID();
            case FOREIGN_NAMESPACE -> "stranger-" + UUID.randomUUID();
        };
        TokenView token = create(new Membership(creator, namespace, Role.MEMBER), "t" + UUID.randomUUID().toString().substring(0, 8));

        ApiCall call = ApiCall.from(action.event).asMember(actor, TEAM + ":" + role.label() + " elsewhere:owner").namespace(namespace);
        if (action != Action.LIST && action != Action.CREATE) {
            call.id(token.id());
        }
        if (action == Action.CREATE) {
            call.body("{\"name\":\"new-" + UUID.randomUUID().toString().substring(0, 8) + "\",\"permission\":\"PULL\",\"expiresInDays\":30}");
        }
        ApiResult result = call.to(TestHandlers.of(action.handler, TOKENS));

        if (expected.contains(" ")) {
            String[] statusAndCode = expected.split(" ");
            result.assertError(Integer.parseInt(statusAndCode[0]), statusAndCode[1], null);
        } else {
            result.assertStatus(Integer.parseInt(expected));
        }
        if (action.changesAToken() && expected.contains(" ")) {
            var stored = TestStack.store().findToken(namespace, token.id()).orElseThrow();
            assertEquals(1L, stored.version(), "a refused change leaves the token as it was");
        }
        if (action == Action.LIST && !expected.contains(" ")) {
            assertEquals(true, result.body().path("items").valueStream().anyMatch(item -> item.path("id").asText().equals(token.id())),
                    "every member sees every token of the namespace, whoever made it");
        }
    }

    private static TokenView create(Membership creator, String name) {
        TokenView token = TOKENS.create(creator, new CreateTokenRequest(name, Permission.PULL, null, 30, null));
        IssuedSecrets.remember(token.secret());
        return token;
    }
}
