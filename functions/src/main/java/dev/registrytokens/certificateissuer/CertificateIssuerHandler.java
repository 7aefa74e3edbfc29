package dev.registrytokens.certificateissuer;

import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.aws.CustomResourceHandler;
import dev.registrytokens.registry.CertificateStore;
import dev.registrytokens.registry.RegistrySigningKey;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The template's {@code Custom::RegistryCertificate}, run by CloudFormation at deployment: on Create and Update
 * it has KMS sign the signing key's self-signed certificate and stores it in the token table (both named by the
 * resource's properties), so that the public {@code GET /certs.pem} needs no KMS permission. On Delete it does
 * nothing: the table and key are retained, and the certificate is public anyway.
 */
public class CertificateIssuerHandler extends CustomResourceHandler {
    /** One certificate per stack; the same id on every answer, so CloudFormation never replaces the resource. */
    static final String PHYSICAL_RESOURCE_ID = "registry-certificate";

    private final KmsClient kms;
    private final DynamoDbClient dynamoDb;

    public CertificateIssuerHandler() {
        this(AwsClients.kmsForDeployment(), AwsClients.dynamoDbForDeployment());
    }

    CertificateIssuerHandler(KmsClient kms, DynamoDbClient dynamoDb) {
        super(PHYSICAL_RESOURCE_ID);
        this.kms = kms;
        this.dynamoDb = dynamoDb;
    }

    /** What Create and Update do; local provisioning calls it too, playing CloudFormation's part. */
    public static void issue(KmsClient kms, DynamoDbClient dynamoDb, Map<String, Object> resourceProperties) {
        RegistrySigningKey signingKey = new RegistrySigningKey(kms, requiredProperty(resourceProperties, "SigningKeyId"));
        new CertificateStore(dynamoDb, requiredProperty(resourceProperties, "TableName")).save(signingKey.certificatePem());
    }

    @Override
    protected Object apply(Map<String, Object> resourceProperties) {
        issue(kms, dynamoDb, resourceProperties);
        return null;
    }
}
