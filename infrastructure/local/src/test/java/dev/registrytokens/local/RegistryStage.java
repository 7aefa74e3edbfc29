package dev.registrytokens.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * The end-to-end tests' stage: one local API (its functions in local Lambda runtimes) and, per registry version, a real
 * registry whose token realm is that API (by host name) and whose {@code rootcertbundle} is the API's {@code /certs.pem}.
 */
final class RegistryStage implements AutoCloseable {
    final LocalApiProcess api;
    private final Path work;
    private final Path certificate;
    private final Map<RegistryProcess.Version, RegistryProcess> registries = new EnumMap<>(RegistryProcess.Version.class);

    private RegistryStage(LocalApiProcess api, Path work, Path certificate) {
        this.api = api;
        this.work = work;
        this.certificate = certificate;
    }

    /** Starts the local API with these template parameters; registries start per version. */
    static RegistryStage start(Path work, Map<String, String> parameters) throws Exception {
        LocalApiProcess api = LocalApiProcess.start(parameters);
        try {
            Path certificate = work.resolve("certs.pem");
            Files.writeString(certificate, api.getText("/certs.pem"));
            return new RegistryStage(api, work, certificate);
        } catch (Exception | AssertionError e) {
            api.close(); // no stage to close it later: the API would outlive the test
            throw e;
        }
    }

    void startRegistry(RegistryProcess.Version version) throws IOException {
        registries.put(version, RegistryProcess.start(version, api.tokenRealm(), certificate, work.resolve("storage-" + version)));
    }

    RegistryProcess registry(RegistryProcess.Version version) {
        return registries.get(version);
    }

    void stopRegistry(RegistryProcess.Version version) {
        registries.remove(version).close();
    }

    @Override
    public void close() {
        registries.values().forEach(RegistryProcess::close);
        api.close();
    }
}
