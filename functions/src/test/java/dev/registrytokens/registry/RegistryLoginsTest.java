package dev.registrytokens.registry;

import static dev.registrytokens.testing.RegistryFixtures.basic;
import static dev.registrytokens.testing.RegistryFixtures.freshSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.core.DomainException;
import dev.registrytokens.core.Permission;
import dev.registrytokens.core.Secrets;
import dev.registrytokens.core.TokenStatus;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.core.adapters.DynamoDbLoginStore;
import dev.registrytokens.core.adapters.KmsSecretMacs;
import dev.registrytokens.testkit.AwsCallCounter;
import dev.registrytokens.testkit.AwsEmulator;
import dev.registrytokens.testing.RegistryFixtures;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestStack;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

@Tag("machine")
class RegistryLoginsTest {
    private final AwsCallCounter calls = new AwsCallCounter();
    /** One instant for the whole test, in a failure window of its own: no boundary inside it, no other test's failures. */
    private final Clock clock = OwnFailureWindows.next();
    private final List<String> decisions = new CopyOnWriteArrayList<>();
    private final RegistryLogins logins = RegistryFixtures.logins(calls, clock, decisions::add);
    private final TestAccount owner = TestAccount.fresh();
    /** This test's own source address, where it logs in from unless it says otherwise. */
    private final String address = freshSource();

    @Test
    void acceptsTheRightSecretWithOneDynamoDbReadAndOneKmsCall() {
        TokenView token = TestStack.createToken(owner, "puller", Permission.PULL, 30);
        var login = logins.authenticate(basic(token.username(), token.secret()), address).orElseThrow();
        assertEquals(token.id(), login.tokenId());
        assertEquals(owner.namespace(), login.namespace());
        assertEquals(Permission.PULL, login.permission());
        assertEquals(1, calls.count("BatchGetItem"), calls::toString);
        assertEquals(1, calls.count("GenerateMac"), calls::toString);
    }

    @Test
    void rejectsAMalformedSecretOrBadChecksumWithoutAnyAwsCall() {
        TokenView token = TestStack.createToken(owner, "typo", Permission.PULL, 30);
        String secret = token.secret();
        String badChecksum = secret.substring(0, secret.length() - 1) + (secret.endsWith("A") ? "B" : "A");
        assertTrue(logins.authenticate(basic(token.username(), badChecksum), address).isEmpty());
        assertTrue(logins.authenticate(basic(token.username(), "password123"), address).isEmpty());
        assertTrue(logins.authenticate("Bearer " + secret, address).isEmpty());
        assertTrue(logins.authenticate(null, address).isEmpty());
        assertEquals(0, calls.total(), calls::toString);
    }

    @Test
    void aLoginReplicasKeyAsTheUsernameIsRefusedWithoutAnyAwsCall() {
        TokenView token = TestStack.createToken(owner, "replicated", Permission.PULL, 30);
        assertTrue(logins.authenticate(basic(token.username() + "#1", token.secret()), address).isEmpty(),
                "USERNAME#<username>#1 is the token's login replica, not a username");
        assertEquals(0, calls.total(), calls::toString);
    }

    @Test
    void rejectsAWrongSecretAndAnUnknownUsername() {
        TokenView token = TestStack.createToken(owner, "guarded", Permission.PULL, 30);
        assertTrue(logins.authenticate(basic(token.username(), Secrets.generate()), address).isEmpty());
        assertTrue(logins.authenticate(basic(owner.namespace() + "+nobody", token.secret()), address).isEmpty());
    }

    @Test
    void rejectsDisabledAndExpiredTokensWithoutAskingKms() {
        TokenView disabled = TestStack.createToken(owner, "off", Permission.PULL, 30);
        TestStack.tokenService().setStatus(owner.membership(), disabled.id(), null, TokenStatus.DISABLED);
        TokenView expired = TestStack.createToken(owner, "old", Permission.PULL, 30);
        TestStack.expireTokenInTable(expired.username());
        calls.reset();
        assertTrue(logins.authenticate(basic(disabled.username(), disabled.secret()), address).isEmpty());
        assertTrue(logins.authenticate(basic(expired.username(), expired.secret()), address).isEmpty());
        assertEquals(0, calls.count("GenerateMac"), calls::toString);
    }

    @Test
    void afterAResetOnlyTheNewSecretWorks() {
        TokenView token = TestStack.createToken(owner, "rotated", Permission.PULL_PUSH, 30);
        TokenView reset = TestStack.tokenService().reset(owner.membership(), token.id(), null, 0);
        dev.registrytokens.testing.IssuedSecrets.remember(reset.secret());
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), address).isEmpty());
        assertTrue(logins.authenticate(basic(token.username(), reset.secret()), address).isPresent());
    }

    @Test
    void repeatLoginsMakeNoKmsCallAndOneDynamoDbReadEach() {
        TokenView token = TestStack.createToken(owner, "repeat", Permission.PULL, 30);
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), address).isPresent());
        calls.reset();
        for (int i = 0; i < 5; i++) {
            assertTrue(logins.authenticate(basic(token.username(), token.secret()), address).isPresent());
        }
        assertEquals(0, calls.count("GenerateMac"), calls::toString);
        assertEquals(5, calls.count("BatchGetItem"), calls::toString);
        assertEquals(5, calls.total(), calls::toString);
    }

    @Test
    void aResetRefusesTheOldSecretOnTheNextLoginWhileItsHashIsRemembered() {
        TokenView token = TestStack.createToken(owner, "rotated-cached", Permission.PULL, 30);
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), address).isPresent());
        TokenView reset = TestStack.tokenService().reset(owner.membership(), token.id(), null, 0);
        dev.registrytokens.testing.IssuedSecrets.remember(reset.secret());
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), address).isEmpty());
        assertTrue(logins.authenticate(basic(token.username(), reset.secret()), address).isPresent());
    }

    @Test
    void aDisableRefusesTheNextLoginWhileTheHashIsRememberedAndAnEnableNeedsNoKmsCall() {
        TokenView token = TestStack.createToken(owner, "paused", Permission.PULL, 30);
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), address).isPresent());
        TestStack.tokenService().setStatus(owner.membership(), token.id(), null, TokenStatus.DISABLED);
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), address).isEmpty());
        TestStack.tokenService().setStatus(owner.membership(), token.id(), null, TokenStatus.ENABLED);
        calls.reset();
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), address).isPresent());
        assertEquals(0, calls.count("GenerateMac"), calls::toString);
    }

    @Test
    void aDeleteRefusesTheNextLoginWhileTheHashIsRemembered() {
        TokenView token = TestStack.createToken(owner, "gone", Permission.PULL, 30);
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), address).isPresent());
        TestStack.tokenService().delete(owner.membership(), token.id(), null);
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), address).isEmpty());
    }

    @Test
    void fiftyWrongSecretsFromOneSourceDoNotLockTheOwnerOutButStopThatSourceAfterItsLimit() {
        TokenView token = TestStack.createToken(owner, "hammered", Permission.PULL, 30);
        String attacker = freshSource();
        for (int i = 0; i < 50; i++) {
            assertTrue(logins.authenticate(basic(token.username(), Secrets.generate()), attacker).isEmpty());
        }
        assertEquals(RegistryFixtures.FAILURE_LIMIT, calls.count("GenerateMac"), "KMS is asked only until the source's limit");
        assertEquals(RegistryFixtures.FAILURE_LIMIT + 1, calls.count("UpdateItem"),
                "one write per counted guess, none after the limit, and the minute's one usage write");

        assertTrue(logins.authenticate(basic(token.username(), token.secret()), freshSource()).isPresent(), "the owner, elsewhere");
        assertTrue(otherEnvironment().authenticate(basic(token.username(), token.secret()), attacker).isEmpty(),
                "a secret the environment has not verified yet costs a guess, which the throttled source no longer has");
    }

    @Test
    void aSecretVerifiedHereIsAcceptedFromASourceOverItsLimitWithoutKmsOrAGuess() {
        TokenView token = TestStack.createToken(owner, "behind-nat", Permission.PULL, 30);
        String sharedAddress = freshSource();
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), freshSource()).isPresent());
        for (int i = 0; i < RegistryFixtures.FAILURE_LIMIT + 5; i++) {
            assertTrue(logins.authenticate(basic(token.username(), Secrets.generate()), sharedAddress).isEmpty(), "a stale pull secret");
        }
        calls.reset();
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), sharedAddress).isPresent(),
                "another tenant behind the same address, with the secret this environment verified");
        assertEquals(0, calls.count("GenerateMac"), calls::toString);
        assertEquals(1, calls.total(), "the login read only: no guess counted, lastUsed recorded a moment ago: " + calls);
        assertEquals(RegistryFixtures.FAILURE_LIMIT, failuresOf(sharedAddress));
    }

    @Test
    void twentyParallelGuessesFromOneSourceAreCountedExactlyUpToTheLimit() throws Exception {
        TokenView token = TestStack.createToken(owner, "burst", Permission.PULL, 30);
        String source = freshSource();
        calls.reset();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> guesses = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(20)) {
            for (int i = 0; i < 20; i++) {
                guesses.add(threads.submit(() -> {
                    start.await();
                    return logins.authenticate(basic(token.username(), Secrets.generate()), source).isPresent();
                }));
            }
            start.countDown();
            for (Future<Boolean> guess : guesses) {
                assertFalse(guess.get());
            }
        }
        assertEquals(RegistryFixtures.FAILURE_LIMIT, calls.count("GenerateMac"), "no guess past the limit reached KMS: " + calls);
        assertEquals(RegistryFixtures.FAILURE_LIMIT, failuresOf(source));
    }

    @Test
    void aRightSecretLeavesNothingCountedAgainstItsSource() {
        TokenView token = TestStack.createToken(owner, "honest", Permission.PULL, 30);
        String source = freshSource();
        assertTrue(logins.authenticate(basic(token.username(), Secrets.generate()), source).isEmpty());
        assertTrue(otherEnvironment().authenticate(basic(token.username(), token.secret()), source).isPresent());
        assertTrue(otherEnvironment().authenticate(basic(token.username(), token.secret()), source).isPresent());
        assertEquals(1, failuresOf(source), "only the wrong secret counts");
    }

    @Test
    void aThrottledSourceLogsInAgainInTheNextWindow() {
        TokenView token = TestStack.createToken(owner, "patient", Permission.PULL, 30);
        String source = freshSource();
        for (int i = 0; i < RegistryFixtures.FAILURE_LIMIT; i++) {
            assertTrue(logins.authenticate(basic(token.username(), Secrets.generate()), source).isEmpty());
        }
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), source).isEmpty());
        Clock nextWindow = Clock.offset(clock, RegistryFixtures.FAILURE_WINDOW);
        assertTrue(RegistryFixtures.logins(new AwsCallCounter(), nextWindow).authenticate(basic(token.username(), token.secret()), source).isPresent());
    }

    @Test
    void eachRefusalIsLoggedWithItsUsernameSourceAndReasonButNeverTheSecret() {
        TokenView token = TestStack.createToken(owner, "traced", Permission.PULL, 30);
        TokenView disabled = TestStack.createToken(owner, "traced-off", Permission.PULL, 30);
        TestStack.tokenService().setStatus(owner.membership(), disabled.id(), null, TokenStatus.DISABLED);
        TokenView expired = TestStack.createToken(owner, "traced-old", Permission.PULL, 30);
        TestStack.expireTokenInTable(expired.username());
        String wrong = Secrets.generate();
        String source = freshSource();
        decide(token.username(), token.secret(), source);
        decide(owner.namespace() + "+nobody", token.secret(), source);
        decide(token.username(), wrong, source);
        decide(disabled.username(), disabled.secret(), source);
        decide(expired.username(), expired.secret(), source);
        decide(token.username(), "not-a-secret", source);
        logins.decide(Optional.empty(), source, "request-none");
        for (int i = 0; i < RegistryFixtures.FAILURE_LIMIT; i++) {
            decide(token.username(), Secrets.generate(), source);
        }
        RegistryLogins fresh = RegistryFixtures.logins(new AwsCallCounter(), clock, decisions::add);
        fresh.decide(Optional.of(new BasicCredentials(token.username(), token.secret())), source, "request-over-limit");
        decide(token.secret(), token.secret(), source);

        List<JsonNode> lines = decisions.stream().map(RegistryLoginsTest::json).toList();
        assertEquals(List.of("null", "unknown_user", "bad_secret", "disabled", "expired", "malformed", "no_credentials"),
                lines.subList(0, 7).stream().map(line -> line.get("reason").asText("null")).toList());
        assertTrue(lines.get(0).get("allowed").asBoolean());
        assertEquals(token.id(), lines.get(0).get("tokenId").asText());
        assertEquals(owner.namespace() + "+nobody", lines.get(1).get("username").asText());
        assertEquals(source, lines.get(2).get("source").asText());
        assertFalse(lines.get(2).get("allowed").asBoolean());
        assertEquals("source_over_limit", lines.get(lines.size() - 2).get("reason").asText());
        assertEquals("request-over-limit", lines.get(lines.size() - 2).get("requestId").asText());
        assertEquals("[withheld: holds the secret prefix]", lines.getLast().get("username").asText(), "a secret typed as the username");
        for (String line : decisions) {
            assertFalse(line.contains(token.secret()) || line.contains(wrong) || line.contains(disabled.secret()), line);
        }
    }

    private void decide(String username, String secret, String source) {
        logins.decide(Optional.of(new BasicCredentials(username, secret)), source, "request-" + decisions.size());
    }

    private static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }

    /** Another execution environment: the same table and key, none of this one's remembered verdicts. */
    private RegistryLogins otherEnvironment() {
        return RegistryFixtures.logins(new AwsCallCounter(), clock);
    }

    /** The source's failure count in the current window, as the next login reads it. */
    private int failuresOf(String source) {
        long window = clock.instant().getEpochSecond() / RegistryFixtures.FAILURE_WINDOW.toSeconds();
        return TestStack.loginStore().findLoginAttempt("nobody", LoginSource.keyOf(source).orElseThrow(), window).sourceFailures();
    }

    @Test
    void anIpv6SourceIsCountedPerSlash64() {
        TokenView token = TestStack.createToken(owner, "six", Permission.PULL, 30);
        for (int i = 0; i < RegistryFixtures.FAILURE_LIMIT; i++) {
            assertTrue(logins.authenticate(basic(token.username(), Secrets.generate()), "2001:db8:1:2::" + Integer.toHexString(i + 1)).isEmpty());
        }
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), "2001:db8:1:2::ffff").isEmpty(), "same /64");
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), "2001:db8:1:3::1").isPresent(), "another /64");
    }

    @Test
    void aRepeatedWrongSecretCostsOneKmsCallOneCountedGuessAndOneUsageWrite() {
        TokenView token = TestStack.createToken(owner, "replayed", Permission.PULL, 30);
        String wrong = Secrets.generate();
        for (int i = 0; i < 5; i++) {
            assertTrue(logins.authenticate(basic(token.username(), wrong), address).isEmpty());
        }
        assertEquals(1, calls.count("GenerateMac"), calls::toString);
        assertEquals(2, calls.count("UpdateItem"), calls::toString);
    }

    @Test
    void unknownUsernamesAndMalformedSecretsWriteNothingAndAreNotCounted() {
        TokenView token = TestStack.createToken(owner, "real", Permission.PULL, 30);
        String source = freshSource();
        calls.reset();
        for (int i = 0; i < 2 * RegistryFixtures.FAILURE_LIMIT; i++) {
            assertTrue(logins.authenticate(basic(owner.namespace() + "+nobody" + i, Secrets.generate()), source).isEmpty());
            assertTrue(logins.authenticate(basic(token.username(), "rgt_not-a-secret" + i), source).isEmpty());
        }
        assertEquals(0, calls.count("UpdateItem") + calls.count("PutItem") + calls.count("BatchWriteItem")
                + calls.count("TransactWriteItems"), calls::toString);
        assertEquals(0, calls.count("GenerateMac"), calls::toString);
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), source).isPresent(), "the source was not throttled");
    }

    @Test
    void aCorrectSecretOnADisabledTokenIsNotCountedAsAFailure() {
        TokenView token = TestStack.createToken(owner, "resting", Permission.PULL, 30);
        TestStack.tokenService().setStatus(owner.membership(), token.id(), null, TokenStatus.DISABLED);
        String source = freshSource();
        calls.reset();
        for (int i = 0; i < 2 * RegistryFixtures.FAILURE_LIMIT; i++) {
            assertTrue(logins.authenticate(basic(token.username(), token.secret()), source).isEmpty());
        }
        assertEquals(1, calls.count("UpdateItem"), "no failure counted, only the minute's one usage write: " + calls);
        TestStack.tokenService().setStatus(owner.membership(), token.id(), null, TokenStatus.ENABLED);
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), source).isPresent());
    }

    @Test
    void primingLeavesNoRememberedSecretBehind() {
        TokenView token = TestStack.createToken(owner, "snapshot", Permission.PULL, 30);
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), address).isPresent());
        logins.prime();
        calls.reset();
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), address).isPresent());
        assertEquals(1, calls.count("GenerateMac"), "the verdict was forgotten, so KMS is asked again");
    }

    @Test
    void refusesALoginWithoutASourceAddress() {
        TokenView token = TestStack.createToken(owner, "nowhere", Permission.PULL, 30);
        calls.reset();
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), null).isEmpty());
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), "registry.example.com").isEmpty());
        assertEquals(0, calls.total(), calls::toString);
    }

    @Test
    void recordsLastUsedAtMostOncePerMinutePerEnvironment() {
        TokenView token = TestStack.createToken(owner, "used", Permission.PULL, 30);
        Instant now = clock.instant();
        RegistryLogins atNow = RegistryFixtures.logins(calls, Clock.fixed(now, ZoneOffset.UTC));
        assertTrue(atNow.authenticate(basic(token.username(), token.secret()), address).isPresent());
        calls.reset();
        assertTrue(atNow.authenticate(basic(token.username(), token.secret()), address).isPresent());
        assertEquals(0, calls.count("UpdateItem"), "the repeat within the minute writes nothing: " + calls);
        Instant recorded = TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().lastUsedAt();
        assertNotNull(recorded);
        assertEquals(now.getEpochSecond(), recorded.getEpochSecond());

        // Another execution environment within the minute: its own first login of the token writes too.
        RegistryLogins elsewhere = RegistryFixtures.logins(new AwsCallCounter(), Clock.fixed(now.plusSeconds(30), ZoneOffset.UTC));
        assertTrue(elsewhere.authenticate(basic(token.username(), token.secret()), address).isPresent());
        assertEquals(recorded.plusSeconds(30), TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().lastUsedAt());

        RegistryLogins later = RegistryFixtures.logins(new AwsCallCounter(), Clock.fixed(now.plusSeconds(61), ZoneOffset.UTC));
        assertTrue(later.authenticate(basic(token.username(), token.secret()), address).isPresent());
        assertEquals(now.getEpochSecond() + 61, TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().lastUsedAt().getEpochSecond());
    }

    @Test
    void aValidLoginSucceedsEvenWhenLastUsedCannotBeRecorded() {
        TokenView token = TestStack.createToken(owner, "unrecorded", Permission.PULL, 30);
        RegistryLogins withFailingWrites = withFailingUpdatesOf("NAMESPACE#");
        assertTrue(withFailingWrites.authenticate(basic(token.username(), token.secret()), address).isPresent());
        assertNull(TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().lastUsedAt());
    }

    @Test
    void aGuessThatCannotBeCountedIsNeverVerifiedAndTheLoginFailsClosed() {
        TokenView token = TestStack.createToken(owner, "uncounted", Permission.PULL, 30);
        RegistryLogins withFailingCounters = withFailingUpdatesOf("LOGIN-FAILURES#");
        assertThrows(DomainException.Unavailable.class,
                () -> withFailingCounters.authenticate(basic(token.username(), token.secret()), address));
        assertEquals(0, calls.count("GenerateMac"), calls::toString);
    }

    /** Logins whose DynamoDB UpdateItem calls on keys starting with {@code keyPrefix} fail; KMS calls are counted. */
    private RegistryLogins withFailingUpdatesOf(String keyPrefix) {
        ExecutionInterceptor failingWrites = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if (context.request() instanceof UpdateItemRequest update && update.key().get("pk").s().startsWith(keyPrefix)) {
                    throw SdkClientException.create("injected fault: DynamoDB refuses writes");
                }
            }
        };
        return new RegistryLogins(
                new DynamoDbLoginStore(AwsEmulator.stack().dynamoDb(failingWrites), AwsEmulator.stack().tableName()),
                new KmsSecretMacs(AwsEmulator.stack().kms(calls), AwsEmulator.stack().macKeyId()), clock,
                RegistryFixtures.FAILURE_LIMIT, RegistryFixtures.FAILURE_WINDOW);
    }

    @Test
    void deniedLoginsNeverWriteLastUsed() {
        TokenView token = TestStack.createToken(owner, "unused", Permission.PULL, 30);
        assertTrue(logins.authenticate(basic(token.username(), Secrets.generate()), address).isEmpty());
        assertNull(TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().lastUsedAt());
    }
}
