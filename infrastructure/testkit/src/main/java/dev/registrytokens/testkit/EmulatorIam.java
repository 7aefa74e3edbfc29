package dev.registrytokens.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * IAM in the emulator, as AWS has it: an admin user for the harness (provisioning, test set-up and checks), and each
 * function's role exactly as the SAM translator makes it from template.yaml (infrastructure/moto/function_roles.py:
 * inline statements and policy templates expanded), its intrinsics resolved to what was provisioned. Functions run
 * with credentials of their own role ({@code sts:AssumeRole}); moto then enforces IAM on every request, so an action
 * a role lacks fails as it would on AWS.
 *
 * <p>Two differences from AWS, both outside what a function can call: a role trusts the admin user (who assumes it
 * for the runtime) instead of {@code lambda.amazonaws.com}, and SAM's managed AWSLambdaBasicExecutionRole is not
 * attached (moto does not ship AWS managed policies; Lambda, not the function's code, writes its logs).
 */
public final class EmulatorIam {
    /** Where a stack's physical ids carry the admin user's keys (not template resources). */
    public static final String ADMIN_ACCESS_KEY_ID = "Emulator.AdminAccessKeyId";
    public static final String ADMIN_SECRET_ACCESS_KEY = "Emulator.AdminSecretAccessKey";
    /** The key under which the physical ids name a function's role: the SAM translator's logical id of it. */
    public static final String ROLE_SUFFIX = "Role";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_USER = "registry-tokens-harness";
    private static final StaticCredentialsProvider BOOTSTRAP =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

    private EmulatorIam() {
    }

    /**
     * Makes the admin user and its keys, then has moto enforce IAM from the next request on (its
     * INITIAL_NO_AUTH_ACTION_COUNT through /moto-api/reset-auth; an emulator without that endpoint is left as it is).
     * Answers the keys as physical-id entries.
     */
    public static Map<String, String> bootstrapAdmin(URI endpoint) {
        try (IamClient iam = iam(endpoint, BOOTSTRAP)) {
            iam.createUser(user -> user.userName(ADMIN_USER));
            iam.putUserPolicy(policy -> policy.userName(ADMIN_USER).policyName("everything")
                    .policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"));
            var key = iam.createAccessKey(request -> request.userName(ADMIN_USER)).accessKey();
            enforce(endpoint);
            return Map.of(ADMIN_ACCESS_KEY_ID, key.accessKeyId(), ADMIN_SECRET_ACCESS_KEY, key.secretAccessKey());
        }
    }

    private static void enforce(URI endpoint) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            http.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset-auth")).POST(HttpRequest.BodyPublishers.ofString("0")).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The trust policy of a role the harness makes: it trusts the admin user (who assumes it for the local runtimes)
     * instead of the AWS service that would assume it, as the function roles do.
     */
    public static String adminTrust(URI endpoint, Map<String, String> physicalIds) {
        try (IamClient iam = iam(endpoint, StaticCredentialsProvider.create(admin(physicalIds)))) {
            return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
                    + iam.getUser(user -> user.userName(ADMIN_USER)).user().arn() + "\"},\"Action\":\"sts:AssumeRole\"}]}";
        }
    }

    /** The emulator's account: the admin user's. */
    public static String account(URI endpoint, Map<String, String> physicalIds) {
        try (IamClient iam = iam(endpoint, StaticCredentialsProvider.create(admin(physicalIds)))) {
            return iam.getUser(user -> user.userName(ADMIN_USER)).user().arn().split(":")[4];
        }
    }

    /** The admin keys in physical ids, else the emulator's fixed test keys (before {@link #bootstrapAdmin}). */
    public static AwsCredentials admin(Map<String, String> physicalIds) {
        String id = physicalIds.get(ADMIN_ACCESS_KEY_ID);
        return id == null ? BOOTSTRAP.resolveCredentials() : AwsBasicCredentials.create(id, physicalIds.get(ADMIN_SECRET_ACCESS_KEY));
    }

    /**
     * The SAM translator's role of each function of the template, by function logical id: its logical id, inline
     * policies (intrinsics unresolved) and managed policy ARNs.
     */
    public static JsonNode functionRoles(Path template) {
        Path root = ProjectFiles.root();
        try {
            Process translator = Processes.start(new ProcessBuilder(root.resolve(".venv/bin/python").toString(),
                    root.resolve("infrastructure/moto/function_roles.py").toString(), template.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT));
            byte[] out = translator.getInputStream().readAllBytes();
            if (translator.waitFor() != 0) {
                throw new IllegalStateException("function_roles.py failed on " + template);
            }
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Each function's granted actions (lower case, as IAM compares them), by function logical id. */
    public static Map<String, TreeSet<String>> grantedActions(JsonNode functionRoles) {
        Map<String, TreeSet<String>> granted = new TreeMap<>();
        functionRoles.properties().forEach(function -> {
            TreeSet<String> actions = new TreeSet<>();
            function.getValue().path("Policies").forEach(policy -> statements(policy.path("PolicyDocument")).forEach(statement -> {
                JsonNode action = statement.path("Action");
                (action.isArray() ? action.valueStream() : java.util.stream.Stream.of(action))
                        .forEach(name -> actions.add(name.asText().toLowerCase()));
            }));
            granted.put(function.getKey(), actions);
        });
        return granted;
    }

    private static Iterable<JsonNode> statements(JsonNode document) {
        JsonNode statement = document.path("Statement");
        return statement.isArray() ? statement : java.util.List.of(statement);
    }

    /**
     * Creates every function's role (named {@code prefix + role logical id}), trusting the admin, with its inline
     * policies resolved against {@code physicalIds}; answers role ARNs by role logical id.
     */
    public static Map<String, String> createRoles(URI endpoint, JsonNode template, Map<String, String> physicalIds, JsonNode functionRoles,
                                                  String prefix) {
        Resolver resolver = new Resolver(template.get("Resources"), template.path("Parameters"), physicalIds);
        Map<String, String> roles = new LinkedHashMap<>();
        try (IamClient iam = iam(endpoint, StaticCredentialsProvider.create(admin(physicalIds)))) {
            String adminArn = iam.getUser(user -> user.userName(ADMIN_USER)).user().arn();
            resolver.account = adminArn.split(":")[4];
            for (var function : functionRoles.properties()) {
                String roleLogicalId = function.getValue().path("RoleLogicalId").asText();
                String roleName = prefix + roleLogicalId;
                String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
                        + adminArn + "\"},\"Action\":\"sts:AssumeRole\"}]}";
                String arn = iam.createRole(role -> role.roleName(roleName).assumeRolePolicyDocument(trust)).role().arn();
                for (JsonNode policy : function.getValue().path("Policies")) {
                    String document = JSON.valueToTree(resolver.resolve(policy.path("PolicyDocument"))).toString();
                    iam.putRolePolicy(put -> put.roleName(roleName).policyName(policy.path("PolicyName").asText()).policyDocument(document));
                }
                roles.put(roleLogicalId, arn);
            }
        }
        return roles;
    }

    /** Credentials of a session of the role (a fresh one each call), as Lambda hands a function its role's. */
    public static AwsSessionCredentials assume(URI endpoint, Map<String, String> physicalIds, String roleArn, String sessionName) {
        try (StsClient sts = StsClient.builder().endpointOverride(endpoint).region(AwsEmulator.REGION)
                .credentialsProvider(StaticCredentialsProvider.create(admin(physicalIds)))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            Credentials credentials = sts.assumeRole(role -> role.roleArn(roleArn)
                    .roleSessionName(sessionName + "-" + UUID.randomUUID().toString().substring(0, 8)).durationSeconds(3600)).credentials();
            return AwsSessionCredentials.builder().accessKeyId(credentials.accessKeyId()).secretAccessKey(credentials.secretAccessKey())
                    .sessionToken(credentials.sessionToken()).expirationTime(credentials.expiration()).build();
        }
    }

    /** The role ARN of a function in physical ids (its role's logical id is the function's plus "Role", as SAM names it). */
    public static String roleArnOf(Map<String, String> physicalIds, String functionLogicalId) {
        String arn = physicalIds.get(functionLogicalId + ROLE_SUFFIX);
        if (arn == null) {
            throw new IllegalArgumentException("no role provisioned for " + functionLogicalId);
        }
        return arn;
    }

    /** A policy's intrinsics resolved as CloudFormation would, against the template's resources provisioned here. */
    private static final class Resolver {
        private final JsonNode resources;
        /** The template's parameters: a policy naming one gets its default, as a stack deployed with defaults would. */
        private final JsonNode parameters;
        private final Map<String, String> physicalIds;
        private String account;

        Resolver(JsonNode resources, JsonNode parameters, Map<String, String> physicalIds) {
            this.resources = resources;
            this.parameters = parameters;
            this.physicalIds = physicalIds;
        }

        /** A policy's intrinsics (Ref, Fn::GetAtt Arn, Fn::Sub) resolved as CloudFormation would against what exists here. */
        Object resolve(JsonNode node) {
            if (node.isObject() && node.size() == 1 && (node.has("Ref") || node.has("Fn::GetAtt") || node.has("Fn::Sub"))) {
                return intrinsic(node);
            }
            if (node.isObject()) {
                Map<String, Object> resolved = new LinkedHashMap<>();
                node.properties().forEach(field -> resolved.put(field.getKey(), resolve(field.getValue())));
                return resolved;
            }
            if (node.isArray()) {
                return node.valueStream().map(element -> resolve(element)).toList();
            }
            return JSON.convertValue(node, Object.class);
        }

        String intrinsic(JsonNode node) {
            if (node.has("Ref")) {
                return ref(node.get("Ref").asText());
            }
            if (node.has("Fn::GetAtt")) {
                JsonNode getAtt = node.get("Fn::GetAtt");
                if (!getAtt.get(1).asText().equals("Arn")) {
                    throw new IllegalArgumentException("unsupported attribute in a policy: " + getAtt);
                }
                return arnOf(getAtt.get(0).asText());
            }
            JsonNode sub = node.get("Fn::Sub");
            String text = sub.isArray() ? sub.get(0).asText() : sub.asText();
            Map<String, String> variables = new LinkedHashMap<>();
            if (sub.isArray()) {
                sub.get(1).properties().forEach(variable -> variables.put(variable.getKey(), variable.getValue().isTextual()
                        ? variable.getValue().asText() : intrinsic(variable.getValue())));
            }
            Matcher matcher = Pattern.compile("\\$\\{([^}]+)}").matcher(text);
            StringBuilder out = new StringBuilder();
            while (matcher.find()) {
                String name = matcher.group(1);
                String value = variables.containsKey(name) ? variables.get(name)
                        : name.endsWith(".Arn") ? arnOf(name.substring(0, name.length() - 4))
                        : ref(name);
                matcher.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            matcher.appendTail(out);
            return out.toString();
        }

        String ref(String name) {
            return switch (name) {
                case "AWS::Region" -> AwsEmulator.REGION.id();
                case "AWS::AccountId" -> account;
                case "AWS::Partition" -> "aws";
                case "AWS::URLSuffix" -> "amazonaws.com";
                default -> {
                    // A parameter: its default, as the harness deploys with (EventBusName, say).
                    String id = physicalIds.containsKey(name) ? physicalIds.get(name)
                            : parameters.path(name).has("Default") ? parameters.path(name).get("Default").asText() : null;
                    if (id == null) {
                        throw new IllegalArgumentException("a policy names " + name + ", which was not provisioned");
                    }
                    yield id;
                }
            };
        }

        String arnOf(String logicalId) {
            String id = ref(logicalId);
            return switch (resources.path(logicalId).path("Type").asText()) {
                case "AWS::DynamoDB::Table" -> "arn:aws:dynamodb:" + AwsEmulator.REGION.id() + ":" + account + ":table/" + id;
                case "AWS::KMS::Key" -> "arn:aws:kms:" + AwsEmulator.REGION.id() + ":" + account + ":key/" + id;
                case "AWS::IAM::Role" -> physicalIds.get(logicalId + ".Arn");
                default -> throw new IllegalArgumentException("a policy names the ARN of " + logicalId + ", which is not emulated");
            };
        }
    }

    private static IamClient iam(URI endpoint, StaticCredentialsProvider credentials) {
        return IamClient.builder().endpointOverride(endpoint).region(Region.AWS_GLOBAL).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** The template (a JSON tree, which is YAML too) in a file of its own, for the translator. */
    public static Path temporaryCopy(JsonNode template) {
        try {
            Path file = Files.createTempFile("template-", ".json");
            JSON.writeValue(file.toFile(), template);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
