package dev.registrytokens.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.math.BigInteger;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DerTest {
    @Test
    void encodesObjectIdentifiersAsDerDoes() {
        assertArrayEquals(HexFormat.of().parseHex("06082a8648ce3d040302"), Der.objectId(1, 2, 840, 10045, 4, 3, 2));
    }

    @Test
    void encodesBooleansAndIntegersAsDerDoes() {
        assertArrayEquals(HexFormat.of().parseHex("0101ff"), Der.bool(true));
        assertArrayEquals(HexFormat.of().parseHex("020100"), Der.integer(BigInteger.ZERO));
        assertArrayEquals(HexFormat.of().parseHex("020200ff"), Der.integer(BigInteger.valueOf(255))); // sign bit: a leading zero
    }
}
