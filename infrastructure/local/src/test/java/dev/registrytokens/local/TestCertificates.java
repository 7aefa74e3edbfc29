package dev.registrytokens.local;

import dev.registrytokens.registry.X509Certificates;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;

/**
 * Certificates as the service makes them ({@link X509Certificates}), with P-256 keys of the test's own in place of
 * KMS, so that it can make the certificate chains a registry must refuse (another root, an expired leaf).
 */
final class TestCertificates {
    /** A CA's self-signed certificate (DER) with its name and key pair. */
    record Authority(KeyPair keys, byte[] der, String name) {
        String pem() {
            return X509Certificates.pem(der);
        }
    }

    /** A leaf certificate (DER) with its key pair. */
    record Issued(KeyPair keys, byte[] der) {
    }

    private TestCertificates() {
    }

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has P-256", e);
        }
    }

    /** A self-signed CA certificate named {@code name}, as the service's KMS CA has (valid from yesterday). */
    static Authority certificateAuthority(String name) {
        KeyPair keys = newKeyPair();
        return new Authority(keys, authority(name, keys).selfSigned(), name);
    }

    /** A leaf certificate for a new key, issued and signed by the CA, as the token endpoint has KMS issue one. */
    static Issued leaf(Authority ca, Instant notBefore, Instant notAfter) {
        KeyPair keys = newKeyPair();
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        return new Issued(keys, authority(ca.name(), ca.keys()).leaf(keys.getPublic().getEncoded(), serial, notBefore, notAfter));
    }

    private static X509Certificates authority(String name, KeyPair keys) {
        return new X509Certificates(name, keys.getPublic().getEncoded(), tbs -> sign(keys.getPrivate(), tbs), Clock.systemUTC());
    }

    /** ECDSA with SHA-256 in DER, as KMS answers. */
    private static byte[] sign(PrivateKey key, byte[] tbs) {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(key);
            signature.update(tbs);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK signs with ECDSA", e);
        }
    }
}
