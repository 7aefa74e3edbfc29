package dev.registrytokens.revocations;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.LeakedSecrets;
import dev.registrytokens.http.ApiException;
import dev.registrytokens.http.ApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;
import dev.registrytokens.http.SecretScanningSignatures;
import dev.registrytokens.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /revocations}: GitHub secret scanning reports leaked secrets, {@code [{"token","type","url","source"}]},
 * signed (no user authentication). Each secret that is a token's current secret disables that token; the answer is
 * GitHub's, {@code [{"token_hash","token_type","label"}]}, and says nothing the secret itself does not.
 */
public class ReportLeakedSecretsHandler extends ApiHandler {
    /** Reports per request; GitHub batches its reports, and the body is at most 32 KiB anyway. */
    static final int MAX_REPORTED_SECRETS = 100;

    private final LeakedSecrets leaks;
    private final SecretScanningSignatures signatures;

    public ReportLeakedSecretsHandler() {
        this(AwsClients.leakedSecrets(), SecretScanningSignatures.fromDocument(System.getenv("SECRET_SCANNING_PUBLIC_KEYS")));
    }

    ReportLeakedSecretsHandler(LeakedSecrets leaks, SecretScanningSignatures signatures) {
        this.leaks = leaks;
        this.signatures = signatures;
    }

    /** Its 401 path (the priming request is unsigned), then one MAC of a fixed message. */
    @Override
    protected void prime() {
        super.prime();
        leaks.primeSecretMacs();
    }

    /** A 401 here is about the report's signature: no bearer scheme to challenge with. */
    @Override
    protected APIGatewayV2HTTPResponse errorResponse(ApiException error) {
        APIGatewayV2HTTPResponse response = ApiResponses.error(error);
        response.getHeaders().remove("WWW-Authenticate");
        return response;
    }

    private record Reported(String token, String type, String url, String source) {
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        byte[] body = request.rawBody();
        if (!signatures.verify(request.header(SecretScanningSignatures.KEY_ID_HEADER), request.header(SecretScanningSignatures.SIGNATURE_HEADER), body)) {
            throw new ApiException(401, "invalid_signature", "The report must be signed by a configured GitHub secret-scanning key.",
                    SecretScanningSignatures.SIGNATURE_HEADER);
        }
        List<Map<String, String>> answers = new ArrayList<>();
        for (Reported reported : parse(body)) {
            boolean live = leaks.revoke(reported.token(), reported.url(), reported.source());
            Map<String, String> answer = new LinkedHashMap<>();
            answer.put("token_hash", sha256Hex(reported.token()));
            answer.put("token_type", reported.type());
            answer.put("label", live ? "true_positive" : "false_positive");
            answers.add(answer);
        }
        return ApiResponses.json(200, answers);
    }

    private static List<Reported> parse(byte[] body) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_json", "The report is not valid JSON.", null);
        }
        if (root == null || !root.isArray()) {
            throw ApiException.badRequest("invalid_json", "The report must be a JSON list of {token, type, url, source}.", null);
        }
        if (root.size() > MAX_REPORTED_SECRETS) {
            throw ApiException.badRequest("too_many_tokens", "A report may list at most " + MAX_REPORTED_SECRETS + " secrets.", null);
        }
        List<Reported> reported = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode entry = root.get(i);
            if (!entry.isObject() || !entry.path("token").isTextual() || !entry.path("type").isTextual()) {
                throw ApiException.badRequest("invalid_value", "[" + i + "] must be an object with the strings token and type.", "[" + i + "]");
            }
            reported.add(new Reported(entry.get("token").textValue(), entry.get("type").textValue(),
                    entry.path("url").asText(null), entry.path("source").asText(null)));
        }
        return reported;
    }

    /** The token's hash as GitHub identifies it: hex SHA-256 of its UTF-8 bytes. */
    private static String sha256Hex(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
