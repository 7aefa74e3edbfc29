package dev.registrytokens.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.registrytokens.json.Json;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x509.Certificate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GetPublicKeyRequest;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SignRequest;
import software.amazon.awssdk.services.kms.model.SignResponse;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * The KMS CA's certificates and JWKS, for a fixed key, clock and signature, are byte for byte what the service made
 * before the X.509 builder and the JWKS were split out of this class (recorded from that code): registries trust these
 * bytes. KMS is a stand-in here that answers a fixed public key and a fixed signature and records what it was asked.
 */
class RegistrySigningKeyTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] CA_KEY = HEX.parseHex(
            "3059301306072a8648ce3d020106082a8648ce3d03010703420004a65cd42a9b827765096662b516d2b688cdadda5af4e719" +
            "1f07a684857653a465f2186ee4c4b20fc46d5ccd345e7accfb1bf3e8a47bf12a59db69c9177e49c17e");
    private static final byte[] LEAF_KEY = HEX.parseHex(
            "3059301306072a8648ce3d020106082a8648ce3d0301070342000490cde84b193cb810d324ec1a7028cd647c726a38cec0b6" +
            "a0e816491c8ae1b48ec6dee547d6aeab6404f74f0f8492f81e6c25acb68889168d8a9e127a74b12776");
    /** Not a signature of anything: KMS's answer stands in the certificate as given. */
    private static final byte[] SIGNATURE = HEX.parseHex("3006020101020102");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T14:59:04Z"), ZoneOffset.UTC);

    private final List<SignRequest> signed = new ArrayList<>();
    private final KmsClient kms = new KmsClient() {
        @Override
        public String serviceName() {
            return "kms";
        }

        @Override
        public void close() {
        }

        @Override
        public GetPublicKeyResponse getPublicKey(GetPublicKeyRequest request) {
            return GetPublicKeyResponse.builder().publicKey(SdkBytes.fromByteArray(CA_KEY)).build();
        }

        @Override
        public SignResponse sign(SignRequest request) {
            signed.add(request);
            return SignResponse.builder().signature(SdkBytes.fromByteArray(SIGNATURE)).build();
        }
    };
    private final RegistrySigningKey signingKey = new RegistrySigningKey(kms, "the-key", CLOCK);

    @Test
    void theCaCertificateIsTheOneTheServiceAlwaysMadeForTheKeyAndDay() {
        assertEquals("-----BEGIN CERTIFICATE-----\n"
                + "MIIBeDCCAV2gAwIBAgIRALSHxps+y1Re9Uh4c8/eLFwwCgYIKoZIzj0EAwIwSTFH\n"
                + "MEUGA1UEAww+cmVnaXN0cnktdG9rZW5zIENBIHNkQUtMdEt1Q0szN1ozRDA5ZkdU\n"
                + "WDNaeEg5Ym1mLWtLZVF6bDJkTGNPcG8wHhcNMjYxMjAyMDAwMDAwWhcNMzYxMTMw\n"
                + "MDAwMDAwWjBJMUcwRQYDVQQDDD5yZWdpc3RyeS10b2tlbnMgQ0Egc2RBS0x0S3VD\n"
                + "SzM3WjNEMDlmR1RYM1p4SDlibWYta0tlUXpsMmRMY09wbzBZMBMGByqGSM49AgEG\n"
                + "CCqGSM49AwEHA0IABKZc1CqbgndlCWZitRbStojNrdpa9OcZHwemhIV2U6Rl8hhu\n"
                + "5MSyD8RtXM00XnrM+xvz6KR78SpZ22nJF35JwX6jJjAkMBIGA1UdEwEB/wQIMAYB\n"
                + "Af8CAQAwDgYDVR0PAQH/BAQDAgGGMAoGCCqGSM49BAMCAwkAMAYCAQECAQI=\n"
                + "-----END CERTIFICATE-----\n", signingKey.certificatePem());
    }

    @Test
    void aLeafIsTheOneTheServiceAlwaysMadeForTheKeySerialAndValidityWithOneKmsSignOverItsTbsCertificate() throws Exception {
        byte[] serial = HEX.parseHex("0102030405060708090a0b0c0d0e0f10");
        Instant notBefore = Instant.parse("2026-12-03T14:54:00Z");
        byte[] leaf = signingKey.issueLeaf(LEAF_KEY, serial, notBefore, notBefore.plusSeconds(3600));
        assertEquals("3082015a3082013fa00302010202100102030405060708090a0b0c0d0e0f10300a06082a8648ce3d04030230493147304506" +
                "035504030c3e72656769737472792d746f6b656e73204341207364414b4c744b75434b33375a3344303966475458335a7848" +
                "39626d662d6b4b65517a6c32644c634f706f301e170d3236313230333134353430305a170d3236313230333135353430305a" +
                "30323130302e06035504030c2772656769737472792d746f6b656e73207369676e6572206d74375a654266746e335a497957" +
                "72553059301306072a8648ce3d020106082a8648ce3d0301070342000490cde84b193cb810d324ec1a7028cd647c726a38ce" +
                "c0b6a0e816491c8ae1b48ec6dee547d6aeab6404f74f0f8492f81e6c25acb68889168d8a9e127a74b12776a320301e300c06" +
                "03551d130101ff04023000300e0603551d0f0101ff040403020780300a06082a8648ce3d0403020309003006020101020102",
                HEX.formatHex(leaf));
        assertEquals(1, signed.size(), "one KMS Sign");
        SignRequest sign = signed.getFirst();
        assertEquals("the-key", sign.keyId());
        assertEquals(MessageType.RAW, sign.messageType());
        assertEquals(SigningAlgorithmSpec.ECDSA_SHA_256, sign.signingAlgorithm());
        assertArrayEquals(Certificate.getInstance(leaf).getTBSCertificate().getEncoded(), sign.message().asByteArray(),
                "KMS signed exactly the tbsCertificate");
    }

    @Test
    void theJwksIsTheOneTheServiceAlwaysServedForTheKey() {
        assertEquals("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"use\":\"sig\",\"alg\":\"ES256\","
                + "\"kid\":\"sdAKLtKuCK37Z3D09fGTX3ZxH9bmf-kKeQzl2dLcOpo\","
                + "\"x\":\"plzUKpuCd2UJZmK1FtK2iM2t2lr05xkfB6aEhXZTpGU\",\"y\":\"8hhu5MSyD8RtXM00XnrM-xvz6KR78SpZ22nJF35JwX4\"}]}",
                Json.write(Jwks.of(signingKey.publicKey())));
    }
}
