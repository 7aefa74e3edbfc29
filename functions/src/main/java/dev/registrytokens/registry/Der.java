package dev.registrytokens.registry;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The few DER encodings (and one decoding) that certificates and ECDSA signatures need. */
final class Der {
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private Der() {
    }

    static byte[] sequence(byte[]... items) {
        return tagged(0x30, concat(items));
    }

    static byte[] set(byte[]... items) {
        return tagged(0x31, concat(items));
    }

    static byte[] integer(BigInteger value) {
        return tagged(0x02, value.toByteArray());
    }

    static byte[] objectId(int... arcs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(arcs[0] * 40 + arcs[1]);
        for (int i = 2; i < arcs.length; i++) {
            int arc = arcs[i];
            int shift = 28;
            while (shift > 0 && (arc >>> shift) == 0) {
                shift -= 7;
            }
            for (; shift > 0; shift -= 7) {
                out.write(0x80 | ((arc >>> shift) & 0x7f));
            }
            out.write(arc & 0x7f);
        }
        return tagged(0x06, out.toByteArray());
    }

    static byte[] utf8String(String value) {
        return tagged(0x0c, value.getBytes(StandardCharsets.UTF_8));
    }

    /** UTCTime: valid for certificate dates before 2050, which is all this service writes. */
    static byte[] utcTime(Instant instant) {
        return tagged(0x17, UTC_TIME.format(instant).getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] bitString(byte[] bytes) {
        byte[] content = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, content, 1, bytes.length);
        return tagged(0x03, content);
    }

    static byte[] tagged(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length > 0xffff ? 3 : length > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * An ECDSA signature as JWS wants it (raw R||S, each left-padded to {@code size} bytes) from the DER
     * {@code SEQUENCE {INTEGER r, INTEGER s}} that KMS returns. DER integers are minimal and signed, so they
     * may be shorter than {@code size} or carry one leading zero.
     */
    static byte[] ecdsaDerToRaw(byte[] der, int size) {
        int[] position = {0};
        expect(der, position, 0x30);
        int sequenceLength = readLength(der, position);
        if (position[0] + sequenceLength != der.length) {
            throw new IllegalArgumentException("ECDSA signature: trailing or missing bytes");
        }
        byte[] raw = new byte[2 * size];
        for (int part = 0; part < 2; part++) {
            expect(der, position, 0x02);
            int length = readLength(der, position);
            int start = position[0];
            int end = start + length;
            if (length == 0 || end > der.length) {
                throw new IllegalArgumentException("ECDSA signature: bad integer");
            }
            while (start < end - 1 && der[start] == 0) {
                start++;
            }
            int significant = end - start;
            if (significant > size) {
                throw new IllegalArgumentException("ECDSA signature: integer longer than " + size + " bytes");
            }
            System.arraycopy(der, start, raw, part * size + (size - significant), significant);
            position[0] = end;
        }
        if (position[0] != der.length) {
            throw new IllegalArgumentException("ECDSA signature: trailing bytes");
        }
        return raw;
    }

    private static void expect(byte[] der, int[] position, int tag) {
        if (position[0] >= der.length || (der[position[0]] & 0xff) != tag) {
            throw new IllegalArgumentException("ECDSA signature: expected tag " + tag);
        }
        position[0]++;
    }

    private static int readLength(byte[] der, int[] position) {
        if (position[0] >= der.length) {
            throw new IllegalArgumentException("ECDSA signature: truncated");
        }
        int first = der[position[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int bytes = first & 0x7f;
        if (bytes == 0 || bytes > 2 || position[0] + bytes > der.length) {
            throw new IllegalArgumentException("ECDSA signature: bad length");
        }
        int length = 0;
        for (int i = 0; i < bytes; i++) {
            length = (length << 8) | (der[position[0]++] & 0xff);
        }
        return length;
    }
}
