package dev.registrytokens.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.testing.AwsEmulator;
import dev.registrytokens.testing.TemplateResources;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Creates the template's tables and keys in a running emulator (and the registry certificate that its custom
 * resource makes at deployment) and writes their physical ids by logical id (a properties file), from which the
 * local API resolves each function's {@code !Ref} variables.
 */
public final class Provision {
    private Provision() {
    }

    public static void main(String[] argv) throws IOException {
        Args args = Args.parse(argv);
        URI endpoint = URI.create(args.require("endpoint"));
        JsonNode template = TemplateResources.readTemplate(Path.of(args.get("template", "template.yaml")));
        AwsEmulator.Stack bare = new AwsEmulator.Stack(endpoint, Map.of());
        writeResources(TemplateResources.provision(template, bare.dynamoDb(), bare.kms(), "local-"), Path.of(args.require("out")));
    }

    static void writeResources(Map<String, String> physicalIds, Path file) throws IOException {
        Properties properties = new Properties();
        properties.putAll(physicalIds);
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "physical ids of template.yaml's resources, by logical id");
        }
    }
}
