package dev.registrytokens.certificateissuer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.http.Json;
import dev.registrytokens.registry.CertificateStore;
import dev.registrytokens.registry.RegistrySigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The template's {@code Custom::RegistryCertificate}, run by CloudFormation at deployment: on Create and Update
 * it has KMS sign the signing key's self-signed certificate and stores it in the token table (both named by the
 * resource's properties), so that the public {@code GET /certs.pem} needs no KMS permission. On Delete it does
 * nothing: the table and key are retained, and the certificate is public anyway.
 */
public class CertificateIssuerHandler implements RequestHandler<CloudFormationCustomResourceEvent, Void> {
    /** One certificate per stack; the same id on every answer, so CloudFormation never replaces the resource. */
    static final String PHYSICAL_RESOURCE_ID = "registry-certificate";

    private final KmsClient kms;
    private final DynamoDbClient dynamoDb;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public CertificateIssuerHandler() {
        this(AwsClients.kms(), AwsClients.dynamoDb());
    }

    CertificateIssuerHandler(KmsClient kms, DynamoDbClient dynamoDb) {
        this.kms = kms;
        this.dynamoDb = dynamoDb;
    }

    /** What Create and Update do; local provisioning calls it too, playing CloudFormation's part. */
    public static void issue(KmsClient kms, DynamoDbClient dynamoDb, Map<String, Object> resourceProperties) {
        RegistrySigningKey signingKey = new RegistrySigningKey(kms, requiredProperty(resourceProperties, "SigningKeyId"));
        new CertificateStore(dynamoDb, requiredProperty(resourceProperties, "TableName")).save(signingKey.certificatePem());
    }

    @Override
    public Void handleRequest(CloudFormationCustomResourceEvent event, Context context) {
        String status = "SUCCESS";
        String reason = null;
        try {
            if (!"Delete".equals(event.getRequestType())) {
                issue(kms, dynamoDb, event.getResourceProperties());
            }
        } catch (RuntimeException | Error e) {
            // Anything at all becomes FAILED: a custom resource left unanswered holds the stack for an hour.
            status = "FAILED";
            reason = e.getClass().getSimpleName() + ": " + e.getMessage()
                    + (context == null ? "" : " (log stream " + context.getLogStreamName() + ")");
            e.printStackTrace();
        }
        System.out.println(Json.write(new ResultLogLine(event.getRequestId(), event.getRequestType(),
                event.getLogicalResourceId(), status, reason)));
        answer(event, status, reason);
        return null;
    }

    private record ResultLogLine(String requestId, String requestType, String logicalResourceId, String status, String reason) {
    }

    /** PUTs the answer to the pre-signed S3 URL, with no Content-Type: the URL was signed without one. */
    private void answer(CloudFormationCustomResourceEvent event, String status, String reason) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("Status", status);
        if (reason != null) {
            answer.put("Reason", reason);
        }
        answer.put("PhysicalResourceId", event.getPhysicalResourceId() == null ? PHYSICAL_RESOURCE_ID : event.getPhysicalResourceId());
        answer.put("StackId", event.getStackId());
        answer.put("RequestId", event.getRequestId());
        answer.put("LogicalResourceId", event.getLogicalResourceId());
        answer.put("NoEcho", false);
        answer.put("Data", Map.of());
        HttpRequest request = HttpRequest.newBuilder(URI.create(event.getResponseUrl()))
                .timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofString(Json.write(answer)))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("could not answer CloudFormation", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while answering CloudFormation", e);
        }
        if (response.statusCode() / 100 != 2) {
            // Failing the invocation lets Lambda retry it; the work is idempotent.
            throw new IllegalStateException("CloudFormation's response URL answered " + response.statusCode());
        }
    }

    private static String requiredProperty(Map<String, Object> properties, String name) {
        Object value = properties == null ? null : properties.get(name);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException("the resource property " + name + " is required");
        }
        return value.toString();
    }
}
