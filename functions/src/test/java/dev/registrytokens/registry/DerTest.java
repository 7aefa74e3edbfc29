package dev.registrytokens.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DerTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void encodesObjectIdentifiersAsDerDoes() {
        assertArrayEquals(HEX.parseHex("06082a8648ce3d040302"), Der.objectId(1, 2, 840, 10045, 4, 3, 2));
    }

    @Test
    void encodesBooleansAndIntegersAsDerDoes() {
        assertArrayEquals(HEX.parseHex("0101ff"), Der.bool(true));
        assertArrayEquals(HEX.parseHex("020100"), Der.integer(BigInteger.ZERO));
        assertArrayEquals(HEX.parseHex("020200ff"), Der.integer(BigInteger.valueOf(255))); // sign bit: a leading zero
    }

    @Test
    void lengthsUpTo127AreOneByteAndLongerOnesTheLongFormInAsFewBytesAsTheyNeed() {
        assertArrayEquals(HEX.parseHex("047f"), header(Der.tagged(0x04, new byte[0x7f]), 2));
        assertArrayEquals(HEX.parseHex("048180"), header(Der.tagged(0x04, new byte[0x80]), 3));
        assertArrayEquals(HEX.parseHex("0481ff"), header(Der.tagged(0x04, new byte[0xff]), 3));
        assertArrayEquals(HEX.parseHex("04820100"), header(Der.tagged(0x04, new byte[0x100]), 4));
        assertArrayEquals(HEX.parseHex("0482ffff"), header(Der.tagged(0x04, new byte[0xffff]), 4));
        assertArrayEquals(HEX.parseHex("0483010000"), header(Der.tagged(0x04, new byte[0x10000]), 5));
        byte[] content = {1, 2, 3};
        assertArrayEquals(HEX.parseHex("3003010203"), Der.sequence(content), "the content follows the length as given");
    }

    private static byte[] header(byte[] encoded, int length) {
        return Arrays.copyOf(encoded, length);
    }

    @Test
    void timesFrom1950To2049AreUtcTimeInWholeSeconds() {
        assertArrayEquals(tlv(0x17, "261203145904Z"), Der.time(Instant.parse("2026-12-03T14:59:04.999Z")));
        assertArrayEquals(tlv(0x17, "500101000000Z"), Der.time(Instant.parse("1950-01-01T00:00:00Z")));
        assertArrayEquals(tlv(0x17, "491231235959Z"), Der.time(Instant.parse("2049-12-31T23:59:59Z")));
    }

    @Test
    void timesFrom2050OnAndBefore1950AreGeneralizedTime() {
        assertArrayEquals(tlv(0x18, "20500101000000Z"), Der.time(Instant.parse("2050-01-01T00:00:00Z")));
        assertArrayEquals(tlv(0x18, "19491231235959Z"), Der.time(Instant.parse("1949-12-31T23:59:59Z")));
    }

    private static byte[] tlv(int tag, String ascii) {
        byte[] content = ascii.getBytes(StandardCharsets.US_ASCII);
        byte[] encoded = new byte[content.length + 2];
        encoded[0] = (byte) tag;
        encoded[1] = (byte) content.length;
        System.arraycopy(content, 0, encoded, 2, content.length);
        return encoded;
    }

    @Test
    void aBitStringOfWholeBytesStartsWithZeroUnusedBits() {
        assertArrayEquals(HEX.parseHex("030100"), Der.bitString(new byte[0]));
        assertArrayEquals(HEX.parseHex("030300abcd"), Der.bitString(HEX.parseHex("abcd")));
        byte[] signature = new byte[0x80]; // long enough for the long-form length of its BIT STRING
        assertArrayEquals(HEX.parseHex("03818100"), Arrays.copyOf(Der.bitString(signature), 4));
    }
}
