package dev.registrytokens.local;

import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The template's functions, each in its own {@link LocalLambda}, started on first use. */
final class LambdaRuntimes implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, LambdaFunctionSpec> functions;
    private final LocalLambda.Runtime runtime;
    private final Map<String, LocalLambda> lambdas = new ConcurrentHashMap<>();

    LambdaRuntimes(Map<String, LambdaFunctionSpec> functions, LocalLambda.Runtime runtime) {
        this.functions = functions;
        this.runtime = runtime;
    }

    LocalLambda function(String logicalId) {
        return lambdas.computeIfAbsent(logicalId, id -> {
            LambdaFunctionSpec function = functions.get(id);
            if (function == null) {
                throw new IllegalArgumentException("template.yaml has no function " + id);
            }
            return new LocalLambda(function, runtime);
        });
    }

    /**
     * Invokes a function with an event object, serialized as the Lambda Java libraries read it, and answers its
     * response; a function error ({@code errorType}) is an exception, as API Gateway treats it.
     */
    JsonNode invoke(String logicalId, Object event) {
        try {
            ByteArrayOutputStream json = new ByteArrayOutputStream();
            serialize(event, json);
            JsonNode response = JSON.readTree(function(logicalId).invoke(json.toByteArray()).response());
            if (response.has("errorType")) {
                throw new IllegalStateException(logicalId + " failed: " + response.path("errorType").asText());
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void serialize(T event, ByteArrayOutputStream out) {
        LambdaEventSerializers.serializerFor((Class<T>) event.getClass(), LambdaRuntimes.class.getClassLoader()).toJson(event, out);
    }

    @Override
    public void close() {
        lambdas.values().forEach(LocalLambda::close);
    }
}
