package dev.registrytokens.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import dev.registrytokens.core.DomainException;
import dev.registrytokens.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A CloudFormation custom resource's function: runs {@link #apply} on Create and Update (Delete does nothing), and
 * always answers CloudFormation, with the failure's class and message as the reason, since a custom resource left
 * unanswered holds the stack for an hour. One log line per request.
 */
public abstract class CustomResourceHandler implements RequestHandler<CloudFormationCustomResourceEvent, Void> {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String physicalResourceId;

    /** The same physical id on every answer, so CloudFormation never replaces the resource. */
    protected CustomResourceHandler(String physicalResourceId) {
        this.physicalResourceId = physicalResourceId;
    }

    /** What Create and Update do, with the resource's properties; its answer is logged. */
    protected abstract Object apply(Map<String, Object> resourceProperties);

    @Override
    public final Void handleRequest(CloudFormationCustomResourceEvent event, Context context) {
        String status = "SUCCESS";
        String reason = null;
        Object result = null;
        try {
            if (!"Delete".equals(event.getRequestType())) {
                result = apply(event.getResourceProperties());
            }
        } catch (RuntimeException | Error e) {
            status = "FAILED";
            reason = (e instanceof DomainException.Unavailable unavailable ? unavailable.diagnosis()
                    : e.getClass().getSimpleName() + ": " + e.getMessage())
                    + (context == null ? "" : " (log stream " + context.getLogStreamName() + ")");
            e.printStackTrace();
        }
        System.out.println(Json.write(new ResultLogLine(event.getRequestId(), event.getRequestType(),
                event.getLogicalResourceId(), status, reason, result)));
        answer(event, status, reason);
        return null;
    }

    private record ResultLogLine(String requestId, String requestType, String logicalResourceId, String status, String reason,
            Object result) {
    }

    /** PUTs the answer to the pre-signed S3 URL, with no Content-Type: the URL was signed without one. */
    private void answer(CloudFormationCustomResourceEvent event, String status, String reason) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("Status", status);
        if (reason != null) {
            answer.put("Reason", reason);
        }
        answer.put("PhysicalResourceId", event.getPhysicalResourceId() == null ? physicalResourceId : event.getPhysicalResourceId());
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

    /** A property the template must give. */
    protected static String requiredProperty(Map<String, Object> properties, String name) {
        Object value = properties == null ? null : properties.get(name);
        if (value == null || value.toString().isBlank()) {
            throw new IllegalArgumentException("the resource property " + name + " is required");
        }
        return value.toString();
    }
}
