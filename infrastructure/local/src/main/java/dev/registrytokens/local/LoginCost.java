package dev.registrytokens.local;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a million registry logins cost and how many per second AWS's default quotas allow, from what one login was
 * measured to do. us-east-1 list prices; arm64 Lambda (the template's architecture).
 */
final class LoginCost {
    static final double HTTP_API_PER_MILLION = 1.00;
    static final double LAMBDA_REQUESTS_PER_MILLION = 0.20;
    static final double LAMBDA_ARM64_PER_GB_SECOND = 0.0000133334;
    static final double DYNAMODB_READ_UNITS_PER_MILLION = 0.125;
    static final double DYNAMODB_WRITE_UNITS_PER_MILLION = 0.625;
    static final double KMS_MAC_PER_10K = 0.03;
    static final double KMS_ASYMMETRIC_SIGN_PER_10K = 0.15;

    static final int HTTP_API_REQUESTS_PER_SECOND = 10_000;
    static final int LAMBDA_CONCURRENCY = 1_000;
    static final int DYNAMODB_TABLE_READ_UNITS_PER_SECOND = 40_000;
    static final int KMS_HMAC_PER_SECOND = 50_000; // us-east-1's symmetric and HMAC request quota
    static final int KMS_ECC_SIGN_PER_SECOND = 300;

    private LoginCost() {
    }

    /** One login as measured: calls by operation (per login), and each invocation's billed milliseconds. */
    record Login(Map<String, Double> callsPerLogin, int authorizerBilledMs, int tokenEndpointBilledMs, int memoryMb) {
        double calls(String operation) {
            return callsPerLogin.getOrDefault(operation, 0.0);
        }

        /** Strongly consistent reads of items under 4 KB: one unit per item; a BatchGetItem here reads two. */
        double readUnits() {
            return calls("GetItem") + calls("Query") + 2 * calls("BatchGetItem");
        }

        double writeUnits() {
            return calls("PutItem") + calls("UpdateItem") + calls("DeleteItem");
        }
    }

    /** Dollars per million logins, by item, in printing order. */
    static Map<String, Double> perMillion(Login login) {
        Map<String, Double> dollars = new LinkedHashMap<>();
        dollars.put("HTTP API request", HTTP_API_PER_MILLION);
        dollars.put("Lambda requests (authorizer + token endpoint)", 2 * LAMBDA_REQUESTS_PER_MILLION);
        dollars.put("Lambda duration", (login.authorizerBilledMs() + login.tokenEndpointBilledMs()) / 1000.0
                * login.memoryMb() / 1024.0 * LAMBDA_ARM64_PER_GB_SECOND * 1_000_000);
        dollars.put("DynamoDB reads", login.readUnits() * DYNAMODB_READ_UNITS_PER_MILLION);
        dollars.put("DynamoDB writes", login.writeUnits() * DYNAMODB_WRITE_UNITS_PER_MILLION);
        dollars.put("KMS GenerateMac", login.calls("GenerateMac") * KMS_MAC_PER_10K * 100);
        dollars.put("KMS Sign", login.calls("Sign") * KMS_ASYMMETRIC_SIGN_PER_10K * 100);
        return dollars;
    }

    /** Logins per second each default quota allows; the smallest binds. */
    static Map<String, Double> ceilings(Login login) {
        Map<String, Double> ceilings = new LinkedHashMap<>();
        ceilings.put("HTTP API (10,000 requests/s)", (double) HTTP_API_REQUESTS_PER_SECOND);
        ceilings.put("Lambda (1,000 concurrent executions)",
                LAMBDA_CONCURRENCY / ((login.authorizerBilledMs() + login.tokenEndpointBilledMs()) / 1000.0));
        ceilings.put("DynamoDB (40,000 read units/s per table)", DYNAMODB_TABLE_READ_UNITS_PER_SECOND / login.readUnits());
        ceilings.put("KMS HMAC (50,000/s)", KMS_HMAC_PER_SECOND / login.calls("GenerateMac"));
        ceilings.put("KMS ECC Sign (300/s)", KMS_ECC_SIGN_PER_SECOND / login.calls("Sign"));
        return ceilings;
    }
}
