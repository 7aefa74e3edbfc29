package dev.registrytokens.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;

/**
 * Creates, in an emulator, the DynamoDB tables, KMS keys, schedule groups and passed roles that template.yaml
 * declares, with the template's own key schemas, TTL attributes and key specs, so tests and ./dev up run against exactly
 * what is deployed, and the functions' IAM roles. Answers each resource's physical id by logical id, as {@code !Ref}
 * would. Then plays CloudFormation's part for the custom resources (such as the registry certificate): runs each one's
 * Create in-process, with its function's role, as the given {@link CustomResources} do it.
 */
public final class TemplateResources {
    private TemplateResources() {
    }

    public static JsonNode readTemplate(Path template) {
        return CloudFormationYaml.read(template);
    }

    /**
     * Creates every table and key (tables named {@code prefix + logicalId}) and every function's role (IAM as the SAM
     * translator makes it, {@link EmulatorIam}), then runs each custom resource's Create (by its type, from
     * {@code customResources}) with its function's role; answers physical ids by logical id (with {@code admin}'s
     * entries, the harness's keys).
     */
    public static Map<String, String> provision(Path templateFile, URI endpoint, Map<String, String> admin, String prefix,
                                                Map<String, CustomResources.Create> customResources) {
        JsonNode template = readTemplate(templateFile);
        AwsEmulator.Stack asAdmin = new AwsEmulator.Stack(endpoint, admin);
        Map<String, String> physicalIds = new LinkedHashMap<>(admin);
        String account = EmulatorIam.account(endpoint, admin);
        String adminTrust = EmulatorIam.adminTrust(endpoint, admin);
        try (DynamoDbClient dynamoDb = asAdmin.dynamoDb(); KmsClient kms = asAdmin.kms(); SchedulerClient scheduler = asAdmin.scheduler();
             IamClient iam = asAdmin.iam()) {
            for (Map.Entry<String, JsonNode> resource : template.get("Resources").properties()) {
                String type = resource.getValue().path("Type").asText();
                JsonNode properties = resource.getValue().path("Properties");
                switch (type) {
                    case "AWS::DynamoDB::Table" ->
                            physicalIds.put(resource.getKey(), createTable(dynamoDb, prefix + resource.getKey(), properties));
                    case "AWS::KMS::Key" -> physicalIds.put(resource.getKey(), kms.createKey(request -> request
                            .description(properties.path("Description").asText(null))
                            .keySpec(properties.path("KeySpec").asText("SYMMETRIC_DEFAULT"))
                            .keyUsage(properties.path("KeyUsage").asText("ENCRYPT_DECRYPT"))).keyMetadata().keyId());
                    case "AWS::Scheduler::ScheduleGroup" -> {
                        String name = prefix + resource.getKey();
                        scheduler.createScheduleGroup(request -> request.name(name));
                        physicalIds.put(resource.getKey(), name);
                    }
                    // A role passed to a service (a schedule's execution role): trusting the admin, as the function
                    // roles do, and with no policy, since the local tools play the service's part themselves (the
                    // schedules' firer invokes the target function); it exists to be passed (iam:PassRole).
                    case "AWS::IAM::Role" -> {
                        String name = prefix + resource.getKey();
                        String arn = iam.createRole(role -> role.roleName(name).assumeRolePolicyDocument(adminTrust)).role().arn();
                        physicalIds.put(resource.getKey(), name);
                        physicalIds.put(resource.getKey() + ".Arn", arn);
                    }
                    // What !Ref F.Alias answers: the ARN of the function's alias live (SAM's AutoPublishAlias).
                    case "AWS::Serverless::Function" -> physicalIds.put(resource.getKey() + ".Alias",
                            "arn:aws:lambda:" + AwsEmulator.REGION.id() + ":" + account + ":function:" + prefix + resource.getKey() + ":live");
                    default -> {
                    }
                }
            }
        }
        physicalIds.putAll(EmulatorIam.createRoles(endpoint, template, physicalIds, EmulatorIam.functionRoles(templateFile), prefix));
        AwsEmulator.Stack stack = new AwsEmulator.Stack(endpoint, physicalIds);
        for (Map.Entry<String, JsonNode> resource : template.get("Resources").properties()) {
            String type = resource.getValue().path("Type").asText();
            if (type.startsWith("Custom::")) {
                CustomResources.Create create = customResources.get(type);
                if (create == null) {
                    throw new IllegalStateException(resource.getKey() + " is a " + type + ", which the given custom resources do not create");
                }
                create.create(stack, resource.getValue().at("/Properties/ServiceToken/Fn::GetAtt/0").asText(),
                        resolveRefs(resource.getValue().path("Properties"), physicalIds));
            }
        }
        return physicalIds;
    }

    /** A custom resource's properties as CloudFormation hands them over: each {@code !Ref} to a created resource resolved. */
    private static Map<String, Object> resolveRefs(JsonNode properties, Map<String, String> physicalIds) {
        Map<String, Object> resolved = new LinkedHashMap<>();
        properties.properties().forEach(property -> {
            JsonNode value = property.getValue();
            if (value.isValueNode()) {
                resolved.put(property.getKey(), value.asText());
            } else if (value.has("Ref") && physicalIds.containsKey(value.get("Ref").asText())) {
                resolved.put(property.getKey(), physicalIds.get(value.get("Ref").asText()));
            }
        });
        return resolved;
    }

    private static java.util.List<KeySchemaElement> keySchema(JsonNode keys) {
        return keys.valueStream()
                .map(key -> KeySchemaElement.builder().attributeName(key.path("AttributeName").asText()).keyType(key.path("KeyType").asText()).build())
                .toList();
    }

    /** A table as the template declares it ({@code properties}), under the given name; answers the name. */
    public static String createTable(DynamoDbClient dynamoDb, String tableName, JsonNode properties) {
        try {
            dynamoDb.createTable(request -> request
                    .tableName(tableName)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(properties.path("AttributeDefinitions").valueStream()
                            .map(definition -> AttributeDefinition.builder()
                                    .attributeName(definition.path("AttributeName").asText())
                                    .attributeType(definition.path("AttributeType").asText()).build())
                            .toList())
                    .keySchema(keySchema(properties.path("KeySchema")))
                    .globalSecondaryIndexes(properties.path("GlobalSecondaryIndexes").isMissingNode() ? null
                            : properties.path("GlobalSecondaryIndexes").valueStream()
                                    .map(index -> GlobalSecondaryIndex.builder()
                                            .indexName(index.path("IndexName").asText())
                                            .keySchema(keySchema(index.path("KeySchema")))
                                            .projection(projection -> projection.projectionType(index.at("/Projection/ProjectionType").asText()))
                                            .build())
                                    .toList()));
        } catch (ResourceInUseException alreadyThere) {
            return tableName;
        }
        JsonNode ttl = properties.path("TimeToLiveSpecification");
        if (ttl.path("Enabled").asBoolean()) {
            dynamoDb.updateTimeToLive(request -> request.tableName(tableName)
                    .timeToLiveSpecification(spec -> spec.attributeName(ttl.path("AttributeName").asText()).enabled(true)));
        }
        return tableName;
    }
}
