package dev.registrytokens.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.Test;

/**
 * The X.509 builder, cross-checked by BouncyCastle (an independent DER and X.509 reader) and by the JDK's PKIX path
 * validation, with a real P-256 CA key signing in place of KMS.
 */
class X509CertificatesTest {
    private static final Instant NOW = Instant.parse("2026-12-03T14:59:04.5Z");
    private final KeyPair caKeys = newKeyPair();
    private final X509Certificates ca = new X509Certificates("registry-tokens test CA", caKeys.getPublic().getEncoded(),
            this::signWithCaKey, Clock.fixed(NOW, ZoneOffset.UTC));

    private byte[] signWithCaKey(byte[] tbs) {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA"); // DER, as KMS answers
            signature.initSign(caKeys.getPrivate());
            signature.update(tbs);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theSelfSignedCertificateIsAV3CaForCertificateSigningSignedByItsOwnKey() throws Exception {
        X509CertificateHolder certificate = new X509CertificateHolder(ca.selfSigned());
        assertEquals(3, certificate.getVersionNumber());
        assertEquals(new X500Name("CN=registry-tokens test CA"), certificate.getSubject());
        assertEquals(certificate.getSubject(), certificate.getIssuer());
        assertArrayEquals(caKeys.getPublic().getEncoded(), certificate.getSubjectPublicKeyInfo().getEncoded());
        assertEquals(X9ObjectIdentifiers.ecdsa_with_SHA256, certificate.getSignatureAlgorithm().getAlgorithm());
        assertTrue(certificate.isSignatureValid(new JcaContentVerifierProviderBuilder().build(caKeys.getPublic())));

        Extension basicConstraints = certificate.getExtension(Extension.basicConstraints);
        assertTrue(basicConstraints.isCritical());
        assertTrue(BasicConstraints.getInstance(basicConstraints.getParsedValue()).isCA());
        assertEquals(BigInteger.ZERO, BasicConstraints.getInstance(basicConstraints.getParsedValue()).getPathLenConstraint(),
                "no intermediate below it");
        Extension keyUsage = certificate.getExtension(Extension.keyUsage);
        assertTrue(keyUsage.isCritical());
        assertEquals(new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign | KeyUsage.cRLSign),
                KeyUsage.getInstance(keyUsage.getParsedValue()));
    }

    @Test
    void theSelfSignedCertificateIsValidFromTheClocksPreviousUtcDayForTenYearsWithItsKeysHashAsSerial() throws Exception {
        X509CertificateHolder certificate = new X509CertificateHolder(ca.selfSigned());
        assertEquals(Date.from(Instant.parse("2026-12-02T00:00:00Z")), certificate.getNotBefore());
        assertEquals(Date.from(Instant.parse("2026-12-03T00:00:00Z").plus(java.time.Duration.ofDays(3650))), certificate.getNotAfter());
        byte[] keyHash = Sha256.of(caKeys.getPublic().getEncoded());
        assertEquals(new BigInteger(1, java.util.Arrays.copyOf(keyHash, 16)), certificate.getSerialNumber());
    }

    @Test
    void aLeafIsANonCaCertificateForSignaturesOnlyIssuedAndSignedByTheCaWithTheGivenSerialAndValidity() throws Exception {
        X509CertificateHolder root = new X509CertificateHolder(ca.selfSigned());
        KeyPair leafKeys = newKeyPair();
        byte[] serial = HexFormat.of().parseHex("00ff0102030405060708090a0b0c0d0e");
        X509CertificateHolder leaf = new X509CertificateHolder(ca.leaf(leafKeys.getPublic().getEncoded(), serial,
                Instant.parse("2026-12-03T14:58:04Z"), Instant.parse("2026-12-03T15:59:04Z")));
        assertEquals(3, leaf.getVersionNumber());
        assertEquals(root.getSubject(), leaf.getIssuer());
        assertEquals(new BigInteger(1, serial), leaf.getSerialNumber(), "a serial with a leading zero byte stays positive");
        assertEquals(Date.from(Instant.parse("2026-12-03T14:58:04Z")), leaf.getNotBefore());
        assertEquals(Date.from(Instant.parse("2026-12-03T15:59:04Z")), leaf.getNotAfter());
        assertArrayEquals(leafKeys.getPublic().getEncoded(), leaf.getSubjectPublicKeyInfo().getEncoded());
        assertEquals(new X500Name("CN=registry-tokens signer " + Base64Url.encode(java.util.Arrays.copyOf(
                Sha256.of(leafKeys.getPublic().getEncoded()), 12))), leaf.getSubject());
        assertTrue(leaf.isSignatureValid(new JcaContentVerifierProviderBuilder().build(caKeys.getPublic())));
        assertFalse(leaf.isSignatureValid(new JcaContentVerifierProviderBuilder().build(leafKeys.getPublic())));

        Extension basicConstraints = leaf.getExtension(Extension.basicConstraints);
        assertTrue(basicConstraints.isCritical());
        assertFalse(BasicConstraints.getInstance(basicConstraints.getParsedValue()).isCA());
        Extension keyUsage = leaf.getExtension(Extension.keyUsage);
        assertTrue(keyUsage.isCritical());
        assertEquals(new KeyUsage(KeyUsage.digitalSignature), KeyUsage.getInstance(keyUsage.getParsedValue()));
    }

    @Test
    void aLeafChainsToTheSelfSignedCertificateUnderPkixPathValidation() throws Exception {
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        X509Certificate root = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(ca.selfSigned()));
        Instant now = Instant.now();
        X509Certificate leaf = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(ca.leaf(
                newKeyPair().getPublic().getEncoded(), new byte[] {1}, now.minusSeconds(60), now.plusSeconds(600))));
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(false);
        parameters.setDate(Date.from(now));
        CertPathValidator.getInstance("PKIX").validate(x509.generateCertPath(List.of(leaf)), parameters);
    }

    @Test
    void validityTimesAreUtcTimeBefore2050AndGeneralizedTimeFrom2050() throws Exception {
        Instant lastUtcTime = Instant.parse("2049-12-31T23:59:59Z");
        Instant firstGeneralizedTime = Instant.parse("2050-01-01T00:00:00Z");
        X509CertificateHolder leaf = new X509CertificateHolder(ca.leaf(newKeyPair().getPublic().getEncoded(), new byte[] {1},
                lastUtcTime, firstGeneralizedTime));
        assertTrue(leaf.toASN1Structure().getTBSCertificate().getStartDate().toASN1Primitive() instanceof ASN1UTCTime);
        assertTrue(leaf.toASN1Structure().getTBSCertificate().getEndDate().toASN1Primitive() instanceof ASN1GeneralizedTime);
        assertEquals(Date.from(lastUtcTime), leaf.getNotBefore());
        assertEquals(Date.from(firstGeneralizedTime), leaf.getNotAfter(), "read as 2050, not as 1950");
    }

    @Test
    void theSameKeyUtcDayAndSignatureGiveTheSameCaCertificateAndTheSameLeafInputsTheSameLeaf() {
        X509Certificates again = new X509Certificates("registry-tokens test CA", caKeys.getPublic().getEncoded(),
                tbs -> HexFormat.of().parseHex("3006020101020102"), Clock.fixed(NOW, ZoneOffset.UTC));
        X509Certificates same = new X509Certificates("registry-tokens test CA", caKeys.getPublic().getEncoded(),
                tbs -> HexFormat.of().parseHex("3006020101020102"), Clock.fixed(NOW.plusSeconds(3600), ZoneOffset.UTC));
        assertArrayEquals(again.selfSigned(), same.selfSigned(), "the same key and UTC day");
        byte[] leafKey = newKeyPair().getPublic().getEncoded();
        assertArrayEquals(again.leaf(leafKey, new byte[] {7}, NOW, NOW.plusSeconds(60)),
                same.leaf(leafKey, new byte[] {7}, NOW, NOW.plusSeconds(60)));
    }
}
