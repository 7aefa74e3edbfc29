package dev.registrytokens.authorizer;

import static dev.registrytokens.testing.RegistryFixtures.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import dev.registrytokens.aws.AwsClients.Timeouts;
import dev.registrytokens.core.CreateTokenRequest;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.RepositoryRule;
import dev.registrytokens.core.TokenStatus;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.registry.OwnFailureWindows;
import dev.registrytokens.registry.LoginContext;
import dev.registrytokens.registry.RegistryLogins;
import dev.registrytokens.testing.ApiCall;
import dev.registrytokens.testing.DependencyFault;
import dev.registrytokens.testing.RegistryFixtures;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestStack;
import dev.registrytokens.testkit.AwsCallCounter;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tag("machine")
class RegistryAuthorizerHandlerTest {
    private final AwsCallCounter calls = new AwsCallCounter();
    /** One instant for the whole test, in a failure window of its own: no boundary inside its loops, no other test's failures. */
    private final Clock clock = OwnFailureWindows.next();
    private final RegistryAuthorizerHandler handler = new RegistryAuthorizerHandler(RegistryFixtures.logins(calls, clock));
    private final TestAccount owner = TestAccount.fresh();
    /** This test's own source address: failed logins count against it. */
    private final String source = RegistryFixtures.freshSource();

    /** The event file's request from this test's source. */
    private APIGatewayV2CustomAuthorizerEvent loginEvent(String authorization) {
        return loginEvent(authorization, source, source);
    }

    /** The event file's request from {@code sourceIp}, claiming in X-Forwarded-For to come from {@code forwardedFor}. */
    private static APIGatewayV2CustomAuthorizerEvent loginEvent(String authorization, String sourceIp, String forwardedFor) {
        APIGatewayV2CustomAuthorizerEvent event = ApiCall.load("registry-authorizer.json", APIGatewayV2CustomAuthorizerEvent.class);
        event.getRequestContext().getHttp().setSourceIp(sourceIp);
        Map<String, String> headers = new HashMap<>(event.getHeaders());
        if (authorization == null) {
            headers.remove("authorization");
        } else {
            headers.put("authorization", authorization);
        }
        headers.put("x-forwarded-for", forwardedFor);
        event.setHeaders(headers);
        return event;
    }

    @Test
    void allowsAValidTokenAndPassesWhoItIsAsContext() {
        TokenView token = TestStack.createToken(owner, "pusher", Permission.PULL_PUSH, 30);
        SimpleIAMPolicyResponse answer = handler.handleRequest(loginEvent(basic(token.username(), token.secret())), null);
        assertTrue(answer.getIsAuthorized());
        assertEquals(Map.of("tokenId", token.id(), "namespace", owner.namespace(),
                "username", token.username(), "permission", "PULL_PUSH"), answer.getContext());
    }

    @Test
    void passesATokensRepositoryRulesAsContextInTheOrderTheyWereGiven() {
        TokenView token = TestStack.tokenService().create(owner.membership(), new CreateTokenRequest("scoped", Permission.PULL_PUSH,
                List.of(new RepositoryRule("app", Permission.PULL_PUSH), new RepositoryRule("team/**", Permission.PULL)), 30, null));
        SimpleIAMPolicyResponse answer = handler.handleRequest(loginEvent(basic(token.username(), token.secret())), null);
        assertTrue(answer.getIsAuthorized());
        assertEquals("app:PULL_PUSH team/**:PULL", answer.getContext().get("repositories"));
        assertEquals(token.repositories(), LoginContext.from(Map.copyOf(answer.getContext())).orElseThrow().repositories(),
                "the token endpoint reads back exactly the rules");
    }

    @Test
    void recordsTheLoginsSourceAndTheUserAgentsProductAsTheTokensUsage() {
        TokenView token = TestStack.createToken(owner, "used", Permission.PULL, 30);
        assertTrue(handler.handleRequest(loginEvent(basic(token.username(), token.secret())), null).getIsAuthorized());
        TokenView used = TestStack.tokenService().get(owner.membership(), token.id());
        assertEquals(List.of(new TokenView.UsedFrom(source, "containers/5.24.1", used.lastUsedAt())), used.recentSources(),
                "the event file's User-Agent is containers/image's");

        TestStack.tokenService().setStatus(owner.membership(), token.id(), null, TokenStatus.DISABLED);
        RegistryAuthorizerHandler otherEnvironment = new RegistryAuthorizerHandler(RegistryFixtures.logins(calls, clock));
        assertFalse(otherEnvironment.handleRequest(loginEvent(basic(token.username(), token.secret())), null).getIsAuthorized());
        TokenView refused = TestStack.tokenService().get(owner.membership(), token.id());
        assertEquals(Map.of("disabled", 1L), refused.refusedLogins24hByReason());
        assertEquals(source, refused.lastRefusal().ip());
        assertEquals("containers/5.24.1", refused.lastRefusal().client());
    }

    @Test
    void deniesTheEventFileAsShippedWithoutCallingAws() {
        // events/registry-authorizer.json carries a made-up secret whose checksum does not match.
        SimpleIAMPolicyResponse answer = handler.handleRequest(ApiCall.load("registry-authorizer.json", APIGatewayV2CustomAuthorizerEvent.class), null);
        assertFalse(answer.getIsAuthorized());
        assertEquals(0, calls.total(), calls::toString);
    }

    @Test
    void everyFailureIsTheSameDeny() {
        TokenView token = TestStack.createToken(owner, "same", Permission.PULL, 30);
        SimpleIAMPolicyResponse wrongSecret = handler.handleRequest(loginEvent(basic(token.username(), dev.registrytokens.core.Secrets.generate())), null);
        SimpleIAMPolicyResponse unknownUser = handler.handleRequest(loginEvent(basic(owner.namespace() + "+ghost", token.secret())), null);
        SimpleIAMPolicyResponse noHeader = handler.handleRequest(loginEvent(null), null);
        for (SimpleIAMPolicyResponse answer : new SimpleIAMPolicyResponse[] {wrongSecret, unknownUser, noHeader}) {
            assertFalse(answer.getIsAuthorized());
            assertEquals(Map.of(), answer.getContext());
        }
    }

    @Test
    void aSourceOutsideTheAllowListIsDeniedWithNoKmsCallAndNoFailureWriteAndAnInsideOneIsAllowed() {
        TokenView token = TestStack.tokenService().create(owner.membership(),
                new CreateTokenRequest("fenced", Permission.PULL, null, 30, null, List.of("127.0.0.3/32")));
        calls.reset();
        assertFalse(handler.handleRequest(loginEvent(basic(token.username(), token.secret()), "127.0.0.2", "127.0.0.3"), null)
                .getIsAuthorized());
        assertEquals(1, calls.count("BatchGetItem"), calls::toString);
        assertEquals(0, calls.count("GenerateMac"), calls::toString);
        assertEquals(0, calls.count("UpdateItem"), "no failure counted, no use recorded: " + calls);
        assertEquals(1, calls.total(), calls::toString);

        assertTrue(handler.handleRequest(loginEvent(basic(token.username(), token.secret()), "127.0.0.3", "127.0.0.2"), null)
                .getIsAuthorized());
        assertEquals(1, calls.count("GenerateMac"), "the allowed source's login is checked as any other");
    }

    @Test
    void bothSecretsAreAllowedDuringAResetsGraceAndOnlyTheNewOneAfterIt() {
        TokenView token = TestStack.createToken(owner, "overlap", Permission.PULL, 30);
        TokenView reset = TestStack.tokenService(clock).reset(owner.membership(), token.id(), null, 2);
        assertTrue(handler.handleRequest(loginEvent(basic(token.username(), token.secret())), null).getIsAuthorized());
        assertTrue(handler.handleRequest(loginEvent(basic(token.username(), reset.secret())), null).getIsAuthorized());
        // This handler's clock stands still; another environment's, three seconds on, is past the grace.
        RegistryAuthorizerHandler later = new RegistryAuthorizerHandler(RegistryFixtures.logins(calls, Clock.offset(clock, Duration.ofSeconds(3))));
        assertFalse(later.handleRequest(loginEvent(basic(token.username(), token.secret())), null).getIsAuthorized());
        assertTrue(later.handleRequest(loginEvent(basic(token.username(), reset.secret())), null).getIsAuthorized());
    }

    @Test
    void countsFailuresAgainstTheSourceAddressAndNeverAgainstXForwardedFor() {
        TokenView token = TestStack.createToken(owner, "forwarded", Permission.PULL, 30);
        String claimed = RegistryFixtures.freshSource();
        for (int i = 0; i < RegistryFixtures.FAILURE_LIMIT; i++) {
            assertFalse(handler.handleRequest(loginEvent(basic(token.username(), dev.registrytokens.core.Secrets.generate()),
                    source, claimed), null).getIsAuthorized());
        }
        assertFalse(handler.handleRequest(loginEvent(basic(token.username(), token.secret()), source, RegistryFixtures.freshSource()), null)
                .getIsAuthorized(), "another X-Forwarded-For does not lift the source's limit");
        assertTrue(handler.handleRequest(loginEvent(basic(token.username(), token.secret()), claimed, source), null)
                .getIsAuthorized(), "the address named in X-Forwarded-For was never counted");
    }

    /** The authorizer has 5 s (template.yaml); a failing dependency must be given up on well before. */
    private static final Duration WITHIN_FUNCTION_TIMEOUT = Duration.ofSeconds(4);

    @ParameterizedTest
    @EnumSource(DependencyFault.class)
    void failsClosedInTimeWhenKmsFails(DependencyFault fault) {
        TokenView token = TestStack.createToken(owner, "nokms", Permission.PULL, 30);
        RegistryLogins withoutKms = new RegistryLogins(TestStack.loginStore(), TestStack.macs(fault, Timeouts.HOT_PATH), Clock.systemUTC(),
                RegistryFixtures.FAILURE_LIMIT, RegistryFixtures.FAILURE_WINDOW);
        var handler = new RegistryAuthorizerHandler(withoutKms);
        assertFalse(assertTimeout(WITHIN_FUNCTION_TIMEOUT,
                () -> handler.handleRequest(loginEvent(basic(token.username(), token.secret())), null)).getIsAuthorized());
    }

    @ParameterizedTest
    @EnumSource(DependencyFault.class)
    void failsClosedInTimeWhenDynamoDbFails(DependencyFault fault) {
        TokenView token = TestStack.createToken(owner, "noddb", Permission.PULL, 30);
        RegistryLogins withoutTable = new RegistryLogins(TestStack.loginStore(fault), TestStack.macs(), Clock.systemUTC(),
                RegistryFixtures.FAILURE_LIMIT, RegistryFixtures.FAILURE_WINDOW);
        var handler = new RegistryAuthorizerHandler(withoutTable);
        assertFalse(assertTimeout(WITHIN_FUNCTION_TIMEOUT,
                () -> handler.handleRequest(loginEvent(basic(token.username(), token.secret())), null)).getIsAuthorized());
    }

    @Test
    void behindTheEdgeLoginsCountAgainstTheViewerAddressAndOnesThatBypassedItAreDenied() {
        TokenView token = TestStack.createToken(owner, "edge", Permission.PULL, 30);
        String secret = "edge-secret-" + "x".repeat(32);
        var behindEdge = new RegistryAuthorizerHandler(RegistryFixtures.logins(calls, clock),
                new dev.registrytokens.registry.ClientAddress(secret));
        APIGatewayV2CustomAuthorizerEvent viaEdge = loginEvent(basic(token.username(), token.secret()), "130.176.0.9", source);
        Map<String, String> headers = new HashMap<>(viaEdge.getHeaders());
        headers.put("x-registry-tokens-edge", secret);
        headers.put("cloudfront-viewer-address", source + ":40000");
        viaEdge.setHeaders(headers);
        assertTrue(behindEdge.handleRequest(viaEdge, null).getIsAuthorized(), "through the edge");
        calls.reset();
        String bypassing = RegistryFixtures.freshSource();
        assertFalse(behindEdge.handleRequest(loginEvent(basic(token.username(), token.secret()), bypassing, bypassing), null)
                .getIsAuthorized(), "straight to the API, around the edge's rate limit");
        assertEquals(0, calls.total(), "refused before any AWS call: " + calls);
    }
}
