package dev.registrytokens.core;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A token's source allow-list: the CIDR blocks (IPv4 or IPv6, at most {@link #MAX_RANGES}) its logins may come from,
 * stored in their normal form. Null means anywhere.
 */
public final class SourceRanges {
    public static final int MAX_RANGES = 20;

    private SourceRanges() {
    }

    /** Thrown for a list that is not an allow-list; the message says why, naming the entry. */
    public static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The allow-list in normal form (host bits cleared, IPv6 compressed, duplicates dropped, order kept); null stays
     * null (anywhere).
     *
     * @throws Invalid for an empty or too long list or an entry that is no CIDR block
     */
    public static List<String> normalize(List<String> ranges) {
        if (ranges == null) {
            return null;
        }
        if (ranges.isEmpty() || ranges.size() > MAX_RANGES) {
            throw new Invalid("must hold 1 to " + MAX_RANGES + " CIDR blocks, or be null for anywhere");
        }
        Set<String> normal = new LinkedHashSet<>();
        for (int i = 0; i < ranges.size(); i++) {
            int index = i;
            Cidr block = Cidr.parse(ranges.get(i)).orElseThrow(() -> new Invalid("entry " + index
                    + " is not a CIDR block such as 203.0.113.0/24 or 2001:db8::/32"));
            normal.add(block.toString());
        }
        return List.copyOf(normal);
    }

    /** Whether a login from {@code sourceIp} may be accepted: any source when {@code ranges} is null, else one inside a block. */
    public static boolean allows(List<String> ranges, String sourceIp) {
        if (ranges == null) {
            return true;
        }
        for (String range : ranges) {
            Optional<Cidr> block = Cidr.parse(range);
            if (block.isPresent() && block.get().contains(sourceIp)) {
                return true;
            }
        }
        return false;
    }
}
