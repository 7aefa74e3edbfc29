package dev.registrytokens.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.json.Json;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Verifies GitHub secret-scanning reports: {@code Github-Public-Key-Signature} is a base64 DER ECDSA P-256 / SHA-256
 * signature of the raw body by the key named in {@code Github-Public-Key-Identifier}. The key set is GitHub's own
 * document ({@code https://api.github.com/meta/public_keys/secret_scanning}: {@code {"public_keys":[{"key_identifier",
 * "key" (PEM), "is_current"}]}}), given to the function as configured; an empty set verifies nothing (fail closed).
 */
public final class SecretScanningSignatures {
    public static final String KEY_ID_HEADER = "Github-Public-Key-Identifier";
    public static final String SIGNATURE_HEADER = "Github-Public-Key-Signature";

    private final Map<String, PublicKey> keys;

    private SecretScanningSignatures(Map<String, PublicKey> keys) {
        this.keys = Map.copyOf(keys);
    }

    /** The key set from GitHub's document; blank means none. A key that is not P-256 fails here, at start, not per report. */
    public static SecretScanningSignatures fromDocument(String document) {
        Map<String, PublicKey> keys = new HashMap<>();
        if (document == null || document.isBlank()) {
            return new SecretScanningSignatures(keys);
        }
        try {
            JsonNode root = Json.MAPPER.readTree(document);
            for (JsonNode entry : root.path("public_keys")) {
                keys.put(entry.path("key_identifier").asText(), p256(entry.path("key").asText()));
            }
        } catch (java.io.IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("the secret-scanning key set is not GitHub's public_keys document: " + e.getClass().getSimpleName());
        }
        return new SecretScanningSignatures(keys);
    }

    private static PublicKey p256(String pem) throws GeneralSecurityException {
        String base64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new GeneralSecurityException("not a P-256 key");
        }
        return key;
    }

    /** True only for a signature of exactly {@code body} by a configured key; anything missing or malformed is false. */
    public boolean verify(String keyId, String signature, byte[] body) {
        PublicKey key = keyId == null ? null : keys.get(keyId.strip());
        if (key == null || signature == null) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key);
            verifier.update(body);
            return verifier.verify(Base64.getDecoder().decode(signature.strip()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
