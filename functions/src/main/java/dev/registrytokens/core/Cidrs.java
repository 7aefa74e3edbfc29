package dev.registrytokens.core;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * CIDR blocks as allowed sources are written: {@code 203.0.113.0/24} or {@code 2001:db8::/32} (IPv6 in hexadecimal
 * groups, no embedded IPv4 and no zone). The OpenAPI document's {@code Cidr} pattern is exactly {@link #PATTERN}.
 */
public final class Cidrs {
    private static final String IPV4 = "((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
    private static final String IPV4_PREFIX = "(3[0-2]|[12]?[0-9])";
    private static final String GROUP = "[0-9a-fA-F]{1,4}";
    private static final String IPV6 = "((" + GROUP + ":){7}" + GROUP
            + "|(" + GROUP + ":){1,7}:"
            + "|(" + GROUP + ":){1,6}:" + GROUP
            + "|(" + GROUP + ":){1,5}(:" + GROUP + "){1,2}"
            + "|(" + GROUP + ":){1,4}(:" + GROUP + "){1,3}"
            + "|(" + GROUP + ":){1,3}(:" + GROUP + "){1,4}"
            + "|(" + GROUP + ":){1,2}(:" + GROUP + "){1,5}"
            + "|" + GROUP + ":(:" + GROUP + "){1,6}"
            + "|:((:" + GROUP + "){1,7}|:))";
    private static final String IPV6_PREFIX = "(12[0-8]|1[01][0-9]|[1-9]?[0-9])";
    public static final String PATTERN = "^(" + IPV4 + "/" + IPV4_PREFIX + "|" + IPV6 + "/" + IPV6_PREFIX + ")$";
    private static final Pattern CIDR = Pattern.compile(PATTERN);

    private Cidrs() {
    }

    /** Why {@code cidr} is no CIDR block (empty when it is one). Plain text matching: no name is ever looked up. */
    public static Optional<String> problemWith(String cidr) {
        return CIDR.matcher(cidr).matches() ? Optional.empty()
                : Optional.of("must be an IPv4 or IPv6 CIDR block, such as 203.0.113.0/24 or 2001:db8::/32 (prefix up to 32 or 128)");
    }
}
