package dev.registrytokens.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** CIDR blocks as allowed sources are written: {@code 203.0.113.0/24} or {@code 2001:db8::/32}, never a host name. */
public final class Cidrs {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern PREFIX = Pattern.compile("0|[1-9][0-9]{0,2}");

    private Cidrs() {
    }

    /** Why {@code cidr} is no CIDR block (empty when it is one). Parses literals only: no name is ever looked up. */
    public static Optional<String> problemWith(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0 || !PREFIX.matcher(cidr.substring(slash + 1)).matches()) {
            return Optional.of("must be an address and a prefix length, such as 203.0.113.0/24 or 2001:db8::/32");
        }
        String address = cidr.substring(0, slash);
        int prefix = Integer.parseInt(cidr.substring(slash + 1));
        boolean v4 = IPV4.matcher(address).matches();
        if (!v4 && !(address.contains(":") && IPV6.matcher(address).matches() && isIpv6Literal(address))) {
            return Optional.of("must start with an IPv4 or IPv6 address");
        }
        int bits = v4 ? 32 : 128;
        if (prefix > bits) {
            return Optional.of("has a prefix length over " + bits);
        }
        return Optional.empty();
    }

    private static boolean isIpv6Literal(String address) {
        try {
            // A literal with a colon is parsed, never resolved.
            return InetAddress.getByName(address).getAddress().length == 16;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
