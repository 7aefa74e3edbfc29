package dev.registrytokens.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.UnaryOperator;

/**
 * The client's address, against which failed logins are counted. Without the edge it is API Gateway's TCP peer
 * ({@code sourceIp}); {@code X-Forwarded-For} is the client's to write and is never read. Behind the optional edge
 * (CloudFront with an AWS WAF rate-based rule) every request's peer is CloudFront, so the client is the address
 * CloudFront writes in {@code CloudFront-Viewer-Address}, trusted only on a request that carries the edge's secret
 * origin header (compared in constant time). With the edge on, a request without that header did not come through
 * it and has no address: its login is refused.
 */
public final class ClientAddress {
    static final String EDGE_HEADER = "x-registry-tokens-edge";
    static final String VIEWER_ADDRESS_HEADER = "cloudfront-viewer-address";
    private final byte[] edgeSecret;

    /** {@code edgeSecret}: the value CloudFront adds in the edge header; null or empty when there is no edge. */
    public ClientAddress(String edgeSecret) {
        this.edgeSecret = edgeSecret == null ? new byte[0] : edgeSecret.getBytes(StandardCharsets.UTF_8);
    }

    /** The address to count against, or null for none; {@code header} looks a request header up by name. */
    public String of(String sourceIp, UnaryOperator<String> header) {
        if (edgeSecret.length == 0) {
            return sourceIp;
        }
        String presented = header.apply(EDGE_HEADER);
        if (presented == null || !MessageDigest.isEqual(edgeSecret, presented.getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        String viewer = header.apply(VIEWER_ADDRESS_HEADER);
        if (viewer == null) {
            return null;
        }
        // "198.51.100.10:46532", "2001:db8::1:46532" or "[2001:db8::1]:46532": the address, without the port.
        String address = viewer.strip();
        int lastColon = address.lastIndexOf(':');
        if (lastColon > 0) {
            address = address.substring(0, lastColon);
        }
        return address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
    }
}
