package dev.registrytokens.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RepositoryRuleTest {
    /** The document's pattern for a rule's pattern, and the server, agree on what is one. */
    @ParameterizedTest
    @ValueSource(strings = {"app-*", "*", "**", "team/**", "**/x", "0**-e5u", "a*b*c", "x*-*y", "a**", "*a*", "a/b*/c", "A",
            "a--b", "a-", "*.*", "a__b", "a___b", "/a", "a/", "a//b", "team/*/**", "***", "*-**"})
    void theDocumentsPatternAndTheServerAgree(String pattern) {
        java.util.regex.Pattern documented = java.util.regex.Pattern.compile(dev.registrytokens.testkit.OpenApiContract.document()
                .at("/components/schemas/RepositoryRule/properties/pattern/pattern").asText());
        assertEquals(RepositoryRule.problemWith(pattern).isEmpty(), documented.matcher(pattern).matches(), pattern);
    }

    @ParameterizedTest
    @CsvSource({
            "app, app, true", "app, app2, false", "app, team/app, false",
            "app-*, app-web, true", "app-*, app-, true", "app-*, app, false", "app-*, app-web/x, false",
            "*, anything, true", "*, a/b, false", "*-svc, billing-svc, true", "a*b*c, axxbyyc, true", "a*b*c, axxbyy, false",
            "team/**, team/a, true", "team/**, team/a/b/c, true", "team/**, team, false", "team/**, teams/a, false",
            "**, a, true", "**, a/b, true", "*/**, a/b, true", "*/**, a, false", "team/*/web, team/x/web, true", "team/*/web, team/x/y/web, false"})
    void matchesWithinAComponentWithStarAndAnyDepthWithAFinalDoubleStar(String pattern, String path, boolean matches) {
        assertEquals(matches, new RepositoryRule(pattern, Permission.PULL).matches(path), pattern + " ~ " + path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"app", "team/**", "app-*", "*", "**", "a.b_c__d--e", "x/*/y", "*.*"})
    void acceptsPatternsInDistributionsGrammar(String pattern) {
        assertEquals(Optional.empty(), RepositoryRule.problemWith(pattern));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "App", "/app", "app/", "a//b", "**/app", "app**", "team/**/x", "-app", "app.", "a b", "a:b", "ns+x",
            "é", "a%2f"})
    void refusesAnythingElse(String pattern) {
        assertTrue(RepositoryRule.problemWith(pattern).isPresent(), pattern);
    }

    @Test
    void refusesAPatternLongerThanARepositoryNameCanBe() {
        assertTrue(RepositoryRule.problemWith("a".repeat(RepositoryRule.MAX_PATTERN_LENGTH + 1)).isPresent());
        assertFalse(RepositoryRule.problemWith("a".repeat(RepositoryRule.MAX_PATTERN_LENGTH)).isPresent());
    }

    @Test
    void theRulesMatchingAPathAllowTheUnionOfTheirPermissions() {
        List<RepositoryRule> rules = List.of(new RepositoryRule("team/**", Permission.PULL), new RepositoryRule("team/app", Permission.PULL_PUSH));
        assertEquals(Optional.of(Permission.PULL_PUSH), RepositoryRule.allowedOn(rules, "team/app"));
        assertEquals(Optional.of(Permission.PULL), RepositoryRule.allowedOn(rules, "team/web"));
        assertEquals(Optional.empty(), RepositoryRule.allowedOn(rules, "other"));
    }
}
