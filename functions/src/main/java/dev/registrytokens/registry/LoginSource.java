package dev.registrytokens.registry;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where failed logins are counted: the source address that API Gateway saw (the TCP peer, never a header the
 * client sets). An IPv4 address counts on its own; IPv6 counts per /64, the smallest block one subscriber is
 * usually given, so that one host cannot gain fresh limits by rotating addresses within its own network.
 */
public final class LoginSource {
    private static final int IPV6_NETWORK_BYTES = 8;

    private LoginSource() {
    }

    /** The counter's key for a source address; empty when it is missing or not an address literal. */
    public static Optional<String> keyOf(String sourceIp) {
        if (sourceIp == null || sourceIp.isEmpty()) {
            return Optional.empty();
        }
        InetAddress address;
        try {
            address = InetAddress.ofLiteral(sourceIp); // a literal only: never a DNS lookup
        } catch (IllegalArgumentException notAnAddress) {
            return Optional.empty();
        }
        if (address instanceof Inet6Address) {
            byte[] network = Arrays.copyOf(address.getAddress(), 16);
            Arrays.fill(network, IPV6_NETWORK_BYTES, network.length, (byte) 0);
            try {
                return Optional.of(InetAddress.getByAddress(network).getHostAddress() + "/64");
            } catch (UnknownHostException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return Optional.of(address.getHostAddress());
    }
}
