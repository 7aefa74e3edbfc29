package dev.registrytokens.registry;

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
        var login = logins.authenticate(basic(token.username(), token.secret())).orElseThrow();
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
        assertTrue(logins.authenticate(basic(token.username(), badChecksum)).isEmpty());
        assertTrue(logins.authenticate(basic(token.username(), "password123")).isEmpty());
        assertTrue(logins.authenticate("Bearer " + secret).isEmpty());
        assertTrue(logins.authenticate(null).isEmpty());
        assertEquals(0, calls.total(), calls::toString);
    }

    @Test
    void rejectsAWrongSecretAndAnUnknownUsername() {
        TokenView token = TestStack.createToken(owner, "guarded", Permission.PULL, 30);
        assertTrue(logins.authenticate(basic(token.username(), Secrets.generate())).isEmpty());
        assertTrue(logins.authenticate(basic(owner.namespace() + "+nobody", token.secret())).isEmpty());
    }

    @Test
    void rejectsDisabledAndExpiredTokensWithoutAskingKms() {
        TokenView disabled = TestStack.createToken(owner, "off", Permission.PULL, 30);
        TestStack.tokenService().setStatus(owner.account(), disabled.id(), null, TokenStatus.DISABLED);
        TokenView expired = TestStack.createToken(owner, "old", Permission.PULL, 30);
        TestStack.expireTokenInTable(expired.username());
        calls.reset();
        assertTrue(logins.authenticate(basic(disabled.username(), disabled.secret())).isEmpty());
        assertTrue(logins.authenticate(basic(expired.username(), expired.secret())).isEmpty());
        assertEquals(0, calls.count("GenerateMac"), calls::toString);
    }

    @Test
    void afterAResetOnlyTheNewSecretWorks() {
        TokenView token = TestStack.createToken(owner, "rotated", Permission.PULL_PUSH, 30);
        TokenView reset = TestStack.tokenService().reset(owner.account(), token.id(), null);
        dev.registrytokens.testing.IssuedSecrets.remember(reset.secret());
        assertTrue(logins.authenticate(basic(token.username(), token.secret())).isEmpty());
        assertTrue(logins.authenticate(basic(token.username(), reset.secret())).isPresent());
    }

    @Test
    void throttlesAUsernameAfterTenFailuresWithoutTouchingKmsUntilTheWindowPasses() {
        TokenView token = TestStack.createToken(owner, "hammered", Permission.PULL, 30);
        TokenView bystander = TestStack.createToken(owner, "bystander", Permission.PULL, 30);
        Instant start = Instant.now();
        for (int i = 0; i < RegistryFixtures.FAILURE_LIMIT; i++) {
            assertTrue(logins.authenticate(basic(token.username(), Secrets.generate())).isEmpty());
        }
        calls.reset();
        assertTrue(logins.authenticate(basic(token.username(), token.secret())).isEmpty(), "the right secret is refused while throttled");
        assertEquals(0, calls.count("GenerateMac"), calls::toString);
        assertTrue(logins.authenticate(basic(bystander.username(), bystander.secret())).isPresent(), "other usernames are unaffected");

        Clock nextWindow = Clock.fixed(start.plus(RegistryFixtures.FAILURE_WINDOW), ZoneOffset.UTC);
        assertTrue(RegistryFixtures.logins(new AwsCallCounter(), nextWindow).authenticate(basic(token.username(), token.secret())).isPresent());
    }

    @Test
    void recordsLastUsedAtMostOncePerMinute() {
        TokenView token = TestStack.createToken(owner, "used", Permission.PULL, 30);
        Instant now = Instant.now();
        RegistryLogins atNow = RegistryFixtures.logins(calls, Clock.fixed(now, ZoneOffset.UTC));
        assertTrue(atNow.authenticate(basic(token.username(), token.secret())).isPresent());
        assertTrue(atNow.authenticate(basic(token.username(), token.secret())).isPresent());
        assertEquals(1, calls.count("UpdateItem"), calls::toString);
        Instant recorded = TestStack.store().findToken(owner.id(), token.id()).orElseThrow().lastUsedAt();
        assertNotNull(recorded);
        assertEquals(now.getEpochSecond(), recorded.getEpochSecond());

        // Another execution environment within the minute: its conditional write leaves the time alone.
        RegistryLogins elsewhere = RegistryFixtures.logins(new AwsCallCounter(), Clock.fixed(now.plusSeconds(30), ZoneOffset.UTC));
        assertTrue(elsewhere.authenticate(basic(token.username(), token.secret())).isPresent());
        assertEquals(recorded, TestStack.store().findToken(owner.id(), token.id()).orElseThrow().lastUsedAt());

        RegistryLogins later = RegistryFixtures.logins(new AwsCallCounter(), Clock.fixed(now.plusSeconds(61), ZoneOffset.UTC));
        assertTrue(later.authenticate(basic(token.username(), token.secret())).isPresent());
        assertEquals(now.getEpochSecond() + 61, TestStack.store().findToken(owner.id(), token.id()).orElseThrow().lastUsedAt().getEpochSecond());
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
        assertTrue(withFailingWrites.authenticate(basic(token.username(), token.secret())).isPresent());
        assertNull(TestStack.store().findToken(owner.id(), token.id()).orElseThrow().lastUsedAt());
    }

    @Test
    void deniedLoginsNeverWriteLastUsed() {
        TokenView token = TestStack.createToken(owner, "unused", Permission.PULL, 30);
        assertTrue(logins.authenticate(basic(token.username(), Secrets.generate())).isEmpty());
        assertNull(TestStack.store().findToken(owner.id(), token.id()).orElseThrow().lastUsedAt());
    }
}
