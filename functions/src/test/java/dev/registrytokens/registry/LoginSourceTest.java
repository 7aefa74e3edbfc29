package dev.registrytokens.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginSourceTest {
    @Test
    void anIpv4AddressCountsOnItsOwn() {
        assertEquals(Optional.of("203.0.113.7"), LoginSource.keyOf("203.0.113.7"));
        assertEquals(Optional.of("203.0.113.7"), LoginSource.keyOf("::ffff:203.0.113.7"));
    }

    @Test
    void anIpv6AddressCountsWithItsSlash64() {
        assertEquals(Optional.of("2001:db8:1:2:0:0:0:0/64"), LoginSource.keyOf("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        assertEquals(LoginSource.keyOf("2001:db8:1:2::1"), LoginSource.keyOf("2001:0db8:0001:0002:ffff::"));
    }

    @Test
    void anythingButAnAddressLiteralHasNoKey() {
        assertEquals(Optional.empty(), LoginSource.keyOf(null));
        assertEquals(Optional.empty(), LoginSource.keyOf(""));
        assertEquals(Optional.empty(), LoginSource.keyOf("localhost"));
        assertEquals(Optional.empty(), LoginSource.keyOf("203.0.113.7, 10.0.0.1"));
    }
}
