package dev.registrytokens.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DerTest {
    private static byte[] derSignature(BigInteger r, BigInteger s) {
        return Der.sequence(Der.integer(r), Der.integer(s));
    }

    @Test
    void convertsIntegersWithALeadingZeroByte() {
        BigInteger r = new BigInteger("ff".repeat(32), 16); // high bit set: DER adds a 0x00
        BigInteger s = BigInteger.ONE;
        byte[] raw = Der.ecdsaDerToRaw(derSignature(r, s), 32);
        assertEquals(64, raw.length);
        assertEquals("ff".repeat(32) + "00".repeat(31) + "01", HexFormat.of().formatHex(raw));
    }

    @Test
    void leftPadsShortIntegers() {
        BigInteger r = new BigInteger("0000000000000000000000000000000000000000000000000000000000001234", 16);
        BigInteger s = new BigInteger("7f" + "ab".repeat(30), 16); // 31 bytes
        byte[] raw = Der.ecdsaDerToRaw(derSignature(r, s), 32);
        assertEquals("00".repeat(30) + "1234" + "00" + "7f" + "ab".repeat(30), HexFormat.of().formatHex(raw));
    }

    @Test
    void rejectsMalformedSignatures() {
        assertThrows(IllegalArgumentException.class, () -> Der.ecdsaDerToRaw(new byte[] {0x30, 0x02, 0x02, 0x00}, 32));
        assertThrows(IllegalArgumentException.class, () -> Der.ecdsaDerToRaw(new byte[] {0x31, 0x00}, 32));
        byte[] tooLong = derSignature(BigInteger.ONE.shiftLeft(300), BigInteger.ONE);
        assertThrows(IllegalArgumentException.class, () -> Der.ecdsaDerToRaw(tooLong, 32));
        byte[] trailing = java.util.Arrays.copyOf(derSignature(BigInteger.TWO, BigInteger.TWO), 9);
        assertThrows(IllegalArgumentException.class, () -> Der.ecdsaDerToRaw(trailing, 32));
    }

    @Test
    void convertedJdkSignaturesVerifyInTheRawJwsFormat() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        int shortIntegers = 0;
        int leadingZeros = 0;
        // Signs until both rare shapes have been converted (about 1 in 500 signatures is short), with a bound.
        for (int i = 0; i < 100_000 && (shortIntegers == 0 || leadingZeros == 0 || i < 500); i++) {
            byte[] message = ("message " + i).getBytes(StandardCharsets.UTF_8);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(message);
            byte[] der = signer.sign();
            if (der.length < 70) {
                shortIntegers++;
            }
            if (der.length > 70) {
                leadingZeros++;
            }
            byte[] raw = Der.ecdsaDerToRaw(der, 32);
            Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
            verifier.initVerify(keys.getPublic());
            verifier.update(message);
            assertTrue(verifier.verify(raw), () -> "signature " + HexFormat.of().formatHex(der));
        }
        assertTrue(shortIntegers > 0, "some DER signatures had integers shorter than 32 bytes");
        assertTrue(leadingZeros > 0, "some DER signatures had a leading zero byte");
    }

    @Test
    void encodesObjectIdentifiersAsDerDoes() {
        assertArrayEquals(HexFormat.of().parseHex("06082a8648ce3d040302"), Der.objectId(1, 2, 840, 10045, 4, 3, 2));
    }
}
