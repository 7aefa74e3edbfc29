package dev.registrytokens.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Writes a one-layer OCI image layout, so tests can push a real image without Docker. */
final class OciImage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OciImage() {
    }

    /** An image whose single layer holds one file with the given content; returns its manifest digest. */
    static String write(Path layout, String tag, String fileContent) throws Exception {
        Files.createDirectories(layout.resolve("blobs/sha256"));
        byte[] tar = tar("hello.txt", fileContent.getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
            gzip.write(tar);
        }
        byte[] layer = gzipped.toByteArray();
        byte[] config = JSON.writeValueAsBytes(Map.of(
                "architecture", "amd64", "os", "linux",
                "config", Map.of("Cmd", List.of("/hello.txt")),
                "rootfs", Map.of("type", "layers", "diff_ids", List.of("sha256:" + sha256(tar)))));
        byte[] manifest = JSON.writeValueAsBytes(Map.of(
                "schemaVersion", 2,
                "mediaType", "application/vnd.oci.image.manifest.v1+json",
                "config", descriptor("application/vnd.oci.image.config.v1+json", config),
                "layers", List.of(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layer))));
        for (byte[] blob : List.of(layer, config, manifest)) {
            Files.write(layout.resolve("blobs/sha256/" + sha256(blob)), blob);
        }
        Map<String, Object> manifestDescriptor = new java.util.LinkedHashMap<>(descriptor("application/vnd.oci.image.manifest.v1+json", manifest));
        manifestDescriptor.put("annotations", Map.of("org.opencontainers.image.ref.name", tag));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(Map.of("schemaVersion", 2, "manifests", List.of(manifestDescriptor))));
        return "sha256:" + sha256(manifest);
    }

    /** The manifest digest a layout's index names for a tag. */
    static String manifestDigest(Path layout, String tag) throws IOException {
        for (var manifest : JSON.readTree(layout.resolve("index.json").toFile()).path("manifests")) {
            if (tag.equals(manifest.at("/annotations/org.opencontainers.image.ref.name").asText())) {
                return manifest.path("digest").asText();
            }
        }
        throw new IllegalStateException("no " + tag + " in " + layout);
    }

    /** The manifest digest of a layout that holds one image, whatever a client named it. */
    static String onlyManifestDigest(Path layout) throws IOException {
        var manifests = JSON.readTree(layout.resolve("index.json").toFile()).path("manifests");
        if (manifests.size() != 1) {
            throw new IllegalStateException(layout + " holds " + manifests.size() + " manifests, not one");
        }
        return manifests.get(0).path("digest").asText();
    }

    private static Map<String, Object> descriptor(String mediaType, byte[] blob) throws Exception {
        return Map.of("mediaType", mediaType, "digest", "sha256:" + sha256(blob), "size", blob.length);
    }

    /** A POSIX ustar archive of one regular file. */
    static byte[] tar(String name, byte[] content) {
        byte[] header = new byte[512];
        put(header, 0, name);
        put(header, 100, "0000644");
        put(header, 108, "0000000");
        put(header, 116, "0000000");
        put(header, 124, String.format("%011o", content.length));
        put(header, 136, String.format("%011o", 1_700_000_000L));
        header[156] = '0';
        put(header, 257, "ustar");
        put(header, 263, "00");
        java.util.Arrays.fill(header, 148, 156, (byte) ' ');
        int checksum = 0;
        for (byte b : header) {
            checksum += b & 0xff;
        }
        put(header, 148, String.format("%06o", checksum));
        header[154] = 0;
        int padded = (content.length + 511) / 512 * 512;
        byte[] archive = new byte[512 + padded + 1024];
        System.arraycopy(header, 0, archive, 0, 512);
        System.arraycopy(content, 0, archive, 512, content.length);
        return archive;
    }

    private static void put(byte[] header, int offset, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
