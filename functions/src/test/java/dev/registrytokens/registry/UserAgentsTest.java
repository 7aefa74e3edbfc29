package dev.registrytokens.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The client a login's usage shows: the user agent's first product token, bounded. */
class UserAgentsTest {
    @Test
    void theFirstProductTokenIsTheClient() {
        assertEquals("docker/28.2.2", UserAgents.product(
                "docker/28.2.2 go/go1.24.3 git-commit/e6534b4 kernel/6.8.0 os/linux arch/amd64 UpstreamClient(Docker-Client/28.2.2 \\(linux\\))"));
        assertEquals("containerd/2.4.2", UserAgents.product("containerd/2.4.2"));
        assertEquals("containers/5.24.1", UserAgents.product("containers/5.24.1 (github.com/containers/image)"));
        assertEquals("skopeo", UserAgents.product("skopeo"));
        assertEquals("Java-http-client/25", UserAgents.product("  Java-http-client/25\t"));
    }

    @Test
    void noProductIsNoClient() {
        assertNull(UserAgents.product(null));
        assertNull(UserAgents.product(""));
        assertNull(UserAgents.product("(compatible)"));
        assertNull(UserAgents.product("/1.0"));
    }

    @Test
    void theClientIsBoundedAndHoldsOnlyTokenCharacters() {
        assertEquals("a".repeat(UserAgents.MAX_LENGTH), UserAgents.product("a".repeat(1000)));
        assertEquals("evil/1", UserAgents.product("evil/1\r\nX-Injected: yes"));
        assertEquals("tool/1", UserAgents.product("tool/1\"<script>"));
    }
}
