package dev.registrytokens.testing;

import dev.registrytokens.testkit.AwsEmulator;
import com.sun.net.httpserver.HttpServer;
import dev.registrytokens.aws.AwsClients.Timeouts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * A dependency gone wrong, as a local endpoint, and AWS clients for it with exactly the timeouts production
 * uses ({@link Timeouts}, the tier of the function under test): nothing listening, a server that accepts and never
 * answers, and one that throttles every call.
 */
public enum DependencyFault {
    UNREACHABLE, HUNG, THROTTLING;

    private static URI hung;
    private static URI throttling;

    public DynamoDbClient dynamoDb(Timeouts timeouts) {
        return DynamoDbClient.builder().endpointOverride(endpoint()).region(AwsEmulator.REGION).credentialsProvider(credentials())
                .httpClient(timeouts.httpClient()).overrideConfiguration(timeouts::apply).build();
    }

    public KmsClient kms(Timeouts timeouts) {
        return KmsClient.builder().endpointOverride(endpoint()).region(AwsEmulator.REGION).credentialsProvider(credentials())
                .httpClient(timeouts.httpClient()).overrideConfiguration(timeouts::apply).build();
    }

    private URI endpoint() {
        return switch (this) {
            case UNREACHABLE -> URI.create("http://127.0.0.1:" + AwsEmulator.freePort());
            case HUNG -> hungEndpoint();
            case THROTTLING -> throttlingEndpoint();
        };
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
    }

    /** Accepts every connection and holds it open without reading or writing a byte. */
    private static synchronized URI hungEndpoint() {
        if (hung == null) {
            try {
                ServerSocket server = new ServerSocket(0);
                List<Socket> held = new ArrayList<>();
                Thread.ofVirtual().start(() -> {
                    while (true) {
                        try {
                            held.add(server.accept());
                        } catch (IOException e) {
                            return;
                        }
                    }
                });
                hung = URI.create("http://127.0.0.1:" + server.getLocalPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return hung;
    }

    /** Answers every call as DynamoDB and KMS answer when they throttle (both speak the AWS JSON protocol). */
    private static synchronized URI throttlingEndpoint() {
        if (throttling == null) {
            try {
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                server.createContext("/", exchange -> {
                    byte[] body = "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}".getBytes(StandardCharsets.UTF_8);
                    exchange.getRequestBody().readAllBytes();
                    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
                    exchange.getResponseHeaders().add("x-amzn-ErrorType", "ThrottlingException");
                    exchange.sendResponseHeaders(400, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
                server.start();
                throttling = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return throttling;
    }
}
