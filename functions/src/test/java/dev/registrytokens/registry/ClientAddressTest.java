package dev.registrytokens.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
    private static final String SECRET = "edge-secret-0123456789abcdefghijklmnop";

    @Test
    void withoutTheEdgeTheAddressIsApiGatewaysPeerAndNoHeaderCounts() {
        ClientAddress direct = new ClientAddress("");
        assertEquals("203.0.113.7", direct.of("203.0.113.7", Map.of(
                "x-forwarded-for", "198.51.100.1", ClientAddress.VIEWER_ADDRESS_HEADER, "198.51.100.2:1234")::get));
        assertEquals("203.0.113.7", new ClientAddress(null).of("203.0.113.7", name -> null));
    }

    @Test
    void behindTheEdgeTheViewerAddressCountsOnlyWithTheEdgesSecret() {
        ClientAddress edge = new ClientAddress(SECRET);
        assertEquals("198.51.100.10", edge.of("130.176.0.1", Map.of(ClientAddress.EDGE_HEADER, SECRET,
                ClientAddress.VIEWER_ADDRESS_HEADER, "198.51.100.10:46532")::get));
        assertEquals("2001:db8::1", edge.of("130.176.0.1", Map.of(ClientAddress.EDGE_HEADER, SECRET,
                ClientAddress.VIEWER_ADDRESS_HEADER, "2001:db8::1:46532")::get));
        assertEquals("2001:db8::1", edge.of("130.176.0.1", Map.of(ClientAddress.EDGE_HEADER, SECRET,
                ClientAddress.VIEWER_ADDRESS_HEADER, "[2001:db8::1]:46532")::get));
    }

    @Test
    void behindTheEdgeARequestThatBypassedItHasNoAddress() {
        ClientAddress edge = new ClientAddress(SECRET);
        assertNull(edge.of("198.51.100.20", name -> null), "straight to the API");
        assertNull(edge.of("198.51.100.20", Map.of(ClientAddress.EDGE_HEADER, SECRET + "x",
                ClientAddress.VIEWER_ADDRESS_HEADER, "198.51.100.21:1")::get), "a guessed secret");
        assertNull(edge.of("198.51.100.20", Map.of(ClientAddress.EDGE_HEADER, SECRET)::get), "no viewer address");
    }
}
