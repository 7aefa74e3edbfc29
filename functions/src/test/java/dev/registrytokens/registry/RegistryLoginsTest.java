package dev.registrytokens.registry;

import static dev.registrytokens.testing.RegistryFixtures.SOURCE_IP;
import static dev.registrytokens.testing.RegistryFixtures.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.core.Permission;
import dev.registrytokens.core.Secrets;
import dev.registrytokens.core.TokenStatus;
import dev.registrytokens.core.TokenView;
import dev.registrytokens.testing.AwsCallCounter;
import dev.registrytokens.testing.AwsEmulator;
import dev.registrytokens.testing.RegistryFixtures;
import dev.registrytokens.testing.TestAccount;
import dev.registrytokens.testing.TestStack;
import dev.registrytokens.core.TokenStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

@ExtendWith(AwsEmulator.class)
class RegistryLoginsTest {
    private final AwsCallCounter calls = new AwsCallCounter();
    private final RegistryLogins logins = RegistryFixtures.logins(calls, Clock.systemUTC());
    private final TestAccount owner = TestAccount.fresh();

    @Test
    void acceptsTheRightSecretWithOneDynamoDbReadAndOneKmsCall() {
        TokenView token = TestStack.createToken(owner, "puller", Permission.PULL, 30);
        var login = logins.authenticate(basic(token.username(), token.secret()), SOURCE_IP).orElseThrow();
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
        assertTrue(logins.authenticate(basic(token.username(), badChecksum), SOURCE_IP).isEmpty());
        assertTrue(logins.authenticate(basic(token.username(), "password123"), SOURCE_IP).isEmpty());
        assertTrue(logins.authenticate("Bearer " + secret, SOURCE_IP).isEmpty());
        assertTrue(logins.authenticate(null, SOURCE_IP).isEmpty());
        assertEquals(0, calls.total(), calls::toString);
    }

    @Test
    void rejectsAWrongSecretAndAnUnknownUsername() {
        TokenView token = TestStack.createToken(owner, "guarded", Permission.PULL, 30);
        assertTrue(logins.authenticate(basic(token.username(), Secrets.generate()), SOURCE_IP).isEmpty());
        assertTrue(logins.authenticate(basic(owner.namespace() + "+nobody", token.secret()), SOURCE_IP).isEmpty());
    }

    @Test
    void rejectsDisabledAndExpiredTokensWithoutAskingKms() {
        TokenView disabled = TestStack.createToken(owner, "off", Permission.PULL, 30);
        TestStack.tokenService().setStatus(owner.membership(), disabled.id(), null, TokenStatus.DISABLED);
        TokenView expired = TestStack.createToken(owner, "old", Permission.PULL, 30);
        TestStack.expireTokenInTable(expired.username());
        calls.reset();
        assertTrue(logins.authenticate(basic(disabled.username(), disabled.secret()), SOURCE_IP).isEmpty());
        assertTrue(logins.authenticate(basic(expired.username(), expired.secret()), SOURCE_IP).isEmpty());
        assertEquals(0, calls.count("GenerateMac"), calls::toString);
    }

    @Test
    void afterAResetOnlyTheNewSecretWorks() {
        TokenView token = TestStack.createToken(owner, "rotated", Permission.PULL_PUSH, 30);
        TokenView reset = TestStack.tokenService().reset(owner.membership(), token.id(), null);
        dev.registrytokens.testing.IssuedSecrets.remember(reset.secret());
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), SOURCE_IP).isEmpty());
        assertTrue(logins.authenticate(basic(token.username(), reset.secret()), SOURCE_IP).isPresent());
    }

    @Test
    void repeatLoginsMakeNoKmsCallAndOneDynamoDbReadEach() {
        TokenView token = TestStack.createToken(owner, "repeat", Permission.PULL, 30);
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), SOURCE_IP).isPresent());
        calls.reset();
        for (int i = 0; i < 5; i++) {
            assertTrue(logins.authenticate(basic(token.username(), token.secret()), SOURCE_IP).isPresent());
        }
        assertEquals(0, calls.count("GenerateMac"), calls::toString);
        assertEquals(5, calls.count("BatchGetItem"), calls::toString);
        assertEquals(5, calls.total(), calls::toString);
    }

    @Test
    void aResetRefusesTheOldSecretOnTheNextLoginWhileItsHashIsRemembered() {
        TokenView token = TestStack.createToken(owner, "rotated-cached", Permission.PULL, 30);
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), SOURCE_IP).isPresent());
        TokenView reset = TestStack.tokenService().reset(owner.membership(), token.id(), null);
        dev.registrytokens.testing.IssuedSecrets.remember(reset.secret());
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), SOURCE_IP).isEmpty());
        assertTrue(logins.authenticate(basic(token.username(), reset.secret()), SOURCE_IP).isPresent());
    }

    @Test
    void aDisableRefusesTheNextLoginWhileTheHashIsRememberedAndAnEnableNeedsNoKmsCall() {
        TokenView token = TestStack.createToken(owner, "paused", Permission.PULL, 30);
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), SOURCE_IP).isPresent());
        TestStack.tokenService().setStatus(owner.membership(), token.id(), null, TokenStatus.DISABLED);
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), SOURCE_IP).isEmpty());
        TestStack.tokenService().setStatus(owner.membership(), token.id(), null, TokenStatus.ENABLED);
        calls.reset();
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), SOURCE_IP).isPresent());
        assertEquals(0, calls.count("GenerateMac"), calls::toString);
    }

    @Test
    void aDeleteRefusesTheNextLoginWhileTheHashIsRemembered() {
        TokenView token = TestStack.createToken(owner, "gone", Permission.PULL, 30);
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), SOURCE_IP).isPresent());
        TestStack.tokenService().delete(owner.membership(), token.id(), null);
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), SOURCE_IP).isEmpty());
    }

    @Test
    void fiftyWrongSecretsFromOneSourceDoNotLockTheOwnerOutButStopThatSourceAfterItsLimit() {
        TokenView token = TestStack.createToken(owner, "hammered", Permission.PULL, 30);
        String attacker = "198.51.100.1";
        for (int i = 0; i < 50; i++) {
            assertTrue(logins.authenticate(basic(token.username(), Secrets.generate()), attacker).isEmpty());
        }
        assertEquals(RegistryFixtures.FAILURE_LIMIT, calls.count("GenerateMac"), "KMS is asked only until the source's limit");
        assertEquals(RegistryFixtures.FAILURE_LIMIT, calls.count("UpdateItem"), "one write per counted failure, none after the limit");

        assertTrue(logins.authenticate(basic(token.username(), token.secret()), "198.51.100.2").isPresent(), "the owner, elsewhere");
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), attacker).isEmpty(),
                "the throttled source is refused even with the correct secret");
    }

    @Test
    void aThrottledSourceLogsInAgainInTheNextWindow() {
        TokenView token = TestStack.createToken(owner, "patient", Permission.PULL, 30);
        Instant start = Instant.now();
        String source = "198.51.100.3";
        for (int i = 0; i < RegistryFixtures.FAILURE_LIMIT; i++) {
            assertTrue(logins.authenticate(basic(token.username(), Secrets.generate()), source).isEmpty());
        }
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), source).isEmpty());
        Clock nextWindow = Clock.fixed(start.plus(RegistryFixtures.FAILURE_WINDOW), ZoneOffset.UTC);
        assertTrue(RegistryFixtures.logins(new AwsCallCounter(), nextWindow).authenticate(basic(token.username(), token.secret()), source).isPresent());
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
    void aRepeatedWrongSecretCostsOneKmsCallAndOneWrite() {
        TokenView token = TestStack.createToken(owner, "replayed", Permission.PULL, 30);
        String wrong = Secrets.generate();
        for (int i = 0; i < 5; i++) {
            assertTrue(logins.authenticate(basic(token.username(), wrong), SOURCE_IP).isEmpty());
        }
        assertEquals(1, calls.count("GenerateMac"), calls::toString);
        assertEquals(1, calls.count("UpdateItem"), calls::toString);
    }

    @Test
    void unknownUsernamesAndMalformedSecretsWriteNothingAndAreNotCounted() {
        TokenView token = TestStack.createToken(owner, "real", Permission.PULL, 30);
        String source = "198.51.100.4";
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
        String source = "198.51.100.5";
        calls.reset();
        for (int i = 0; i < 2 * RegistryFixtures.FAILURE_LIMIT; i++) {
            assertTrue(logins.authenticate(basic(token.username(), token.secret()), source).isEmpty());
        }
        assertEquals(0, calls.count("UpdateItem"), calls::toString);
        TestStack.tokenService().setStatus(owner.membership(), token.id(), null, TokenStatus.ENABLED);
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), source).isPresent());
    }

    @Test
    void primingLeavesNoRememberedSecretBehind() {
        TokenView token = TestStack.createToken(owner, "snapshot", Permission.PULL, 30);
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), SOURCE_IP).isPresent());
        logins.prime();
        calls.reset();
        assertTrue(logins.authenticate(basic(token.username(), token.secret()), SOURCE_IP).isPresent());
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
    void recordsLastUsedAtMostOncePerMinute() {
        TokenView token = TestStack.createToken(owner, "used", Permission.PULL, 30);
        Instant now = Instant.now();
        RegistryLogins atNow = RegistryFixtures.logins(calls, Clock.fixed(now, ZoneOffset.UTC));
        assertTrue(atNow.authenticate(basic(token.username(), token.secret()), SOURCE_IP).isPresent());
        assertTrue(atNow.authenticate(basic(token.username(), token.secret()), SOURCE_IP).isPresent());
        assertEquals(1, calls.count("UpdateItem"), calls::toString);
        Instant recorded = TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().lastUsedAt();
        assertNotNull(recorded);
        assertEquals(now.getEpochSecond(), recorded.getEpochSecond());

        // Another execution environment within the minute: its conditional write leaves the time alone.
        RegistryLogins elsewhere = RegistryFixtures.logins(new AwsCallCounter(), Clock.fixed(now.plusSeconds(30), ZoneOffset.UTC));
        assertTrue(elsewhere.authenticate(basic(token.username(), token.secret()), SOURCE_IP).isPresent());
        assertEquals(recorded, TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().lastUsedAt());

        RegistryLogins later = RegistryFixtures.logins(new AwsCallCounter(), Clock.fixed(now.plusSeconds(61), ZoneOffset.UTC));
        assertTrue(later.authenticate(basic(token.username(), token.secret()), SOURCE_IP).isPresent());
        assertEquals(now.getEpochSecond() + 61, TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().lastUsedAt().getEpochSecond());
    }

    @Test
    void aValidLoginSucceedsEvenWhenLastUsedCannotBeRecorded() {
        TokenView token = TestStack.createToken(owner, "unrecorded", Permission.PULL, 30);
        ExecutionInterceptor failingWrites = new ExecutionInterceptor() {
            @Override
            public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                if ("UpdateItem".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
                    throw SdkClientException.create("injected fault: DynamoDB refuses writes");
                }
            }
        };
        RegistryLogins withFailingWrites = new RegistryLogins(
                new TokenStore(AwsEmulator.stack().dynamoDb(failingWrites), AwsEmulator.stack().tableName()),
                TestStack.macs(), Clock.systemUTC(), RegistryFixtures.FAILURE_LIMIT, RegistryFixtures.FAILURE_WINDOW);
        assertTrue(withFailingWrites.authenticate(basic(token.username(), token.secret()), SOURCE_IP).isPresent());
        assertNull(TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().lastUsedAt());
    }

    @Test
    void deniedLoginsNeverWriteLastUsed() {
        TokenView token = TestStack.createToken(owner, "unused", Permission.PULL, 30);
        assertTrue(logins.authenticate(basic(token.username(), Secrets.generate()), SOURCE_IP).isEmpty());
        assertNull(TestStack.store().findToken(owner.namespace(), token.id()).orElseThrow().lastUsedAt());
    }
}
