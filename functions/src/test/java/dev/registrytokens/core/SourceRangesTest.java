package dev.registrytokens.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceRangesTest {
    @Test
    void blocksAreStoredInNormalFormWithoutDuplicates() {
        assertEquals(List.of("127.0.0.3/32", "10.0.0.0/8", "2001:db8::/32", "::1/128", "2001:db8:0:1::/64", "::/0"),
                SourceRanges.normalize(List.of("127.0.0.3", "10.1.2.3/8", "2001:DB8:0:0:0:0:0:0/32", "::1",
                        "2001:db8:0:1:0:0:0:0/64", "::/0", "10.0.0.0/8")));
        assertEquals(List.of("2001:0:0:1::/64"), SourceRanges.normalize(List.of("2001:0:0:1::/64")), "the longest zero run is compressed");
        assertEquals(List.of("1.0.0.0/24"), SourceRanges.normalize(List.of("::ffff:1.0.0.1/24")), "an IPv4-mapped address is IPv4");
        assertNull(SourceRanges.normalize(null));
    }

    @Test
    void anythingButABlockIsRefusedNamingTheEntry() {
        for (String bad : List.of("", "10.0.0.0/33", "::/129", "10.0.0/8", "010.0.0.1", "1.2.3.4/08", "1.2.3.4/", "localhost",
                "example.com/24", "[::1]", "fe80::1%eth0", "1.2.3.4/-1", "0x7f.0.0.1", "1::2::3", " 1.2.3.4")) {
            SourceRanges.Invalid invalid = assertThrows(SourceRanges.Invalid.class, () -> SourceRanges.normalize(List.of("1.2.3.4", bad)), bad);
            assertTrue(invalid.getMessage().contains("entry 1"), invalid.getMessage());
        }
    }

    @Test
    void aListHoldsOneToTwentyBlocks() {
        assertThrows(SourceRanges.Invalid.class, () -> SourceRanges.normalize(List.of()));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            many.add("10.0.0." + i);
        }
        assertThrows(SourceRanges.Invalid.class, () -> SourceRanges.normalize(many));
        assertEquals(20, SourceRanges.normalize(many.subList(0, 20)).size());
    }

    @Test
    void aSourceIsAllowedInsideABlockOnlyAndAnywhereWithoutAList() {
        List<String> ranges = List.of("127.0.0.3/32", "10.0.0.0/8", "2001:db8::/32");
        assertTrue(SourceRanges.allows(ranges, "127.0.0.3"));
        assertFalse(SourceRanges.allows(ranges, "127.0.0.2"));
        assertTrue(SourceRanges.allows(ranges, "10.255.0.1"));
        assertTrue(SourceRanges.allows(ranges, "2001:db8:ffff::1"));
        assertFalse(SourceRanges.allows(ranges, "2001:db9::1"));
        assertTrue(SourceRanges.allows(ranges, "::ffff:10.0.0.1"), "an IPv4-mapped source is its IPv4 address");
        assertFalse(SourceRanges.allows(ranges, "not an address"));
        assertFalse(SourceRanges.allows(ranges, null));
        assertTrue(SourceRanges.allows(null, "192.0.2.1"));
    }
}
