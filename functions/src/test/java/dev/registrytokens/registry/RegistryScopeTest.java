package dev.registrytokens.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.core.Permission;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegistryScopeTest {
    private static List<RegistryScope.Access> grant(Permission permission, String... scopes) {
        return RegistryScope.grant(List.of(scopes), "acme", permission, null);
    }

    @Test
    void parsesTypeNameAndActionsEvenWhenTheNameHoldsColons() {
        var scope = RegistryScope.parse("repository:localhost:5000/acme/app:pull,push").orElseThrow();
        assertEquals("repository", scope.type());
        assertEquals("localhost:5000/acme/app", scope.name());
        assertEquals(Set.of("pull", "push"), scope.actions());
    }

    @Test
    void grantsPullAndPushToPullPushInsideTheNamespace() {
        assertEquals(List.of(new RegistryScope.Access("repository", "acme/app", List.of("pull", "push"))),
                grant(Permission.PULL_PUSH, "repository:acme/app:pull,push"));
    }

    @Test
    void grantsOnlyPullToAPullTokenThatAsksForPush() {
        assertEquals(List.of(new RegistryScope.Access("repository", "acme/app", List.of("pull"))),
                grant(Permission.PULL, "repository:acme/app:pull,push"));
        assertEquals(List.of(), grant(Permission.PULL, "repository:acme/app:push"), "a scope granted nothing is left out");
    }

    @Test
    void grantsNothingOutsideTheNamespaceAndLeavesThoseScopesOut() {
        var granted = grant(Permission.PULL_PUSH,
                "repository:other/app:pull,push",
                "repository:acme-evil/app:pull",
                "repository:acme:pull",
                "repository:library/acme/app:pull",
                "repository:acme/../other/app:pull");
        assertEquals(List.of(), granted);
    }

    @Test
    void handlesSeveralScopesMergesRepeatsAndSkipsMalformedOnes() {
        var granted = grant(Permission.PULL_PUSH,
                "repository:acme/app:pull",
                "repository:acme/app:push",
                "repository:acme/base:pull",
                "garbage",
                "repository::pull",
                "repository:acme/x",
                "registry:catalog:*",
                "repository:acme/app:delete,*");
        assertEquals(List.of(
                new RegistryScope.Access("repository", "acme/app", List.of("pull", "push")),
                new RegistryScope.Access("repository", "acme/base", List.of("pull"))), granted);
    }

    @Test
    void noScopeGrantsNoAccess() {
        assertTrue(grant(Permission.PULL_PUSH).isEmpty());
    }

    @org.junit.jupiter.api.Test
    void withRepositoryRulesGrantsTheRequestedActionsThatThePermissionAndTheMatchingRulesAllow() {
        var rules = List.of(new dev.registrytokens.core.RepositoryRule("app", Permission.PULL_PUSH),
                new dev.registrytokens.core.RepositoryRule("team/**", Permission.PULL));
        var granted = RegistryScope.grant(List.of("repository:acme/app:pull,push", "repository:acme/team/a/b:pull,push",
                "repository:acme/other:pull,push", "repository:acme/team:pull"), "acme", Permission.PULL_PUSH, rules);
        assertEquals(List.of(new RegistryScope.Access("repository", "acme/app", List.of("pull", "push")),
                new RegistryScope.Access("repository", "acme/team/a/b", List.of("pull"))), granted);
        var pullOnly = RegistryScope.grant(List.of("repository:acme/app:pull,push"), "acme", Permission.PULL, rules);
        assertEquals(List.of(new RegistryScope.Access("repository", "acme/app", List.of("pull"))), pullOnly,
                "a rule never grants more than the token's own permission");
    }
}
