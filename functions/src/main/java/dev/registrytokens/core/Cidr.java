package dev.registrytokens.core;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A block of IPv4 or IPv6 addresses in CIDR notation ({@code 203.0.113.0/24}, {@code 2001:db8::/32}); an address
 * without a prefix is a block of one. Parsing is strict (dotted-decimal IPv4, no zone, no brackets) and never looks a
 * name up; host bits are cleared, so {@link #toString()} is the block's one normal form.
 */
public final class Cidr {
    private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern PREFIX = Pattern.compile("0|[1-9][0-9]{0,2}");

    private final byte[] network;
    private final int prefixLength;

    private Cidr(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /** The block {@code text} denotes, or empty when it is none. */
    public static Optional<Cidr> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = addressBytes(address);
        if (bytes == null) {
            return Optional.empty();
        }
        int maxPrefix = bytes.length * 8;
        int prefix = maxPrefix;
        if (slash >= 0) {
            String digits = text.substring(slash + 1);
            if (!PREFIX.matcher(digits).matches() || Integer.parseInt(digits) > maxPrefix) {
                return Optional.empty();
            }
            prefix = Integer.parseInt(digits);
        }
        return Optional.of(new Cidr(masked(bytes, prefix), prefix));
    }

    /** Whether the address (an IP literal, as API Gateway reports a source) lies in this block; false for anything else. */
    public boolean contains(String address) {
        byte[] bytes = addressBytes(address);
        return bytes != null && bytes.length == network.length && Arrays.equals(masked(bytes, prefixLength), network);
    }

    /** IPv4 as 4 bytes, IPv6 as 16 (an IPv4-mapped IPv6 address as its IPv4 address), null for anything else. */
    private static byte[] addressBytes(String address) {
        if (address == null) {
            return null;
        }
        boolean ipv4 = IPV4.matcher(address).matches();
        if (!ipv4 && !(address.contains(":") && IPV6.matcher(address).matches())) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(address).getAddress(); // a literal only: never a DNS lookup
        } catch (IllegalArgumentException notAnAddress) {
            return null;
        }
    }

    private static byte[] masked(byte[] address, int prefixLength) {
        byte[] result = address.clone();
        for (int bit = prefixLength; bit < result.length * 8; bit++) {
            result[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return result;
    }

    /** The normal form: the network address (IPv6 compressed as RFC 5952 writes it), a slash and the prefix length. */
    @Override
    public String toString() {
        return (network.length == 4 ? ipv4Text() : ipv6Text()) + "/" + prefixLength;
    }

    private String ipv4Text() {
        try {
            return ((Inet4Address) InetAddress.getByAddress(network)).getHostAddress();
        } catch (java.net.UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** RFC 5952: lowercase hex groups without leading zeros, the longest run (of two or more) of zero groups as "::". */
    private String ipv6Text() {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((network[2 * i] & 0xff) << 8) | (network[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr cidr && cidr.prefixLength == prefixLength && Arrays.equals(cidr.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }
}
