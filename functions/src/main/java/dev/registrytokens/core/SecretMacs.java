package dev.registrytokens.core;

import java.security.MessageDigest;

/**
 * HMACs of secrets, made by a key that never leaves its key service; the secret is never stored. The KMS adapter is
 * {@code core.adapters.KmsSecretMacs}.
 */
public interface SecretMacs {
    /** The MAC of a secret; a failure of the key service is {@link DomainException.Unavailable}. */
    byte[] macOf(String secret);

    /** Compares in constant time, so that timing says nothing about how much of a MAC matched. */
    static boolean sameMac(byte[] expected, byte[] actual) {
        return expected != null && actual != null && MessageDigest.isEqual(expected, actual);
    }
}
