package dev.registrytokens.local;

import dev.registrytokens.testkit.EmulatorIam;
import dev.registrytokens.testkit.TemplateResources;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Creates the template's tables, keys and function roles in a running emulator (and what its custom resources make at
 * deployment, such as the registry certificate), after making the harness's admin user and having moto enforce IAM, and
 * writes their physical ids by logical id (a properties file, with the admin's keys), from which the local API
 * resolves each function's {@code !Ref} variables and its role.
 */
public final class Provision {
    private Provision() {
    }

    public static void main(String[] argv) throws IOException {
        Args args = Args.parse(argv);
        URI endpoint = URI.create(args.require("endpoint"));
        Path template = Path.of(args.get("template", "template.yaml")).toAbsolutePath();
        writeResources(TemplateResources.provision(template, endpoint, EmulatorIam.bootstrapAdmin(endpoint), "local-",
                        new FunctionCustomResources().byType()),
                Path.of(args.require("out")));
    }

    static void writeResources(Map<String, String> physicalIds, Path file) throws IOException {
        Properties properties = new Properties();
        properties.putAll(physicalIds);
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "physical ids of template.yaml's resources, by logical id");
        }
    }
}
