package dev.registrytokens.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a CloudFormation YAML template into the JSON form of the template: short-form intrinsics such as
 * {@code !Ref X} or {@code !GetAtt X.Arn} become {@code {"Ref": "X"}} and {@code {"Fn::GetAtt": ["X", "Arn"]}}.
 */
public final class CloudFormationYaml {
    private static final List<String> INTRINSICS = List.of("Ref", "Condition", "GetAtt", "Sub", "Join", "If", "Equals",
            "Select", "Split", "ImportValue", "FindInMap", "Base64", "GetAZs", "Not", "And", "Or", "Cidr", "Length", "ToJsonString");

    private CloudFormationYaml() {
    }

    public static JsonNode read(Path template) {
        try (Reader reader = Files.newBufferedReader(template)) {
            Object tree = new Yaml(new IntrinsicConstructor()).load(reader);
            return new ObjectMapper().valueToTree(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class IntrinsicConstructor extends SafeConstructor {
        IntrinsicConstructor() {
            super(new LoaderOptions());
            for (String name : INTRINSICS) {
                yamlConstructors.put(new Tag("!" + name), new Intrinsic(name));
            }
        }

        private final class Intrinsic extends AbstractConstruct {
            private final String name;

            Intrinsic(String name) {
                this.name = name;
            }

            @Override
            public Object construct(Node node) {
                Object value = switch (node) {
                    case ScalarNode scalar -> constructScalar(scalar);
                    case SequenceNode sequence -> constructSequence(sequence);
                    case MappingNode mapping -> constructMapping(mapping);
                    default -> throw new IllegalArgumentException("unexpected node " + node);
                };
                if (name.equals("GetAtt") && value instanceof String dotted) {
                    value = Arrays.asList(dotted.split("\\.", 2));
                }
                return Map.of(name.equals("Ref") || name.equals("Condition") ? name : "Fn::" + name, value);
            }
        }
    }
}
