package dev.registrytokens.registry;

import java.util.Base64;

/** Base64url without padding, as JOSE (JWT, JWK) writes bytes. */
final class Base64Url {
    private Base64Url() {
    }

    static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
