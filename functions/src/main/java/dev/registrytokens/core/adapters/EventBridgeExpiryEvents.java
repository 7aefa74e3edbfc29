package dev.registrytokens.core.adapters;

import dev.registrytokens.core.ExpiryEvent;
import dev.registrytokens.core.ExpiryEvents;
import dev.registrytokens.core.DomainException;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/** Expiry events on the template's bus ({@code EventBusName}): source {@code registry-tokens}, the detail of {@link #detail}. */
public final class EventBridgeExpiryEvents implements ExpiryEvents {
    public static final String SOURCE = "registry-tokens";

    private final EventBridgeClient eventBridge;
    private final String busName;

    public EventBridgeExpiryEvents(EventBridgeClient eventBridge, String busName) {
        this.eventBridge = eventBridge;
        this.busName = busName;
    }

    /** {@code {"tokenId","name","namespace","username","expiresAt" (ISO 8601),"daysLeft"}}. */
    public static String detail(ExpiryEvent event) {
        JsonWriter json = JsonWriter.create();
        json.writeStartObject()
                .writeFieldName("tokenId").writeValue(event.tokenId())
                .writeFieldName("name").writeValue(event.name())
                .writeFieldName("namespace").writeValue(event.namespace())
                .writeFieldName("username").writeValue(event.username())
                .writeFieldName("expiresAt").writeValue(event.expiresAt().toString())
                .writeFieldName("daysLeft").writeValue(event.daysLeft())
                .writeEndObject();
        return new String(json.getBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void put(ExpiryEvent event) {
        PutEventsResponse response;
        try {
            response = eventBridge.putEvents(request -> request.entries(entry -> entry
                    .eventBusName(busName).source(SOURCE).detailType(event.detailType()).detail(detail(event))));
        } catch (SdkException e) {
            throw DependencyFailures.unavailable("EventBridge", e);
        }
        if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
            throw DomainException.Unavailable.dependency("EventBridge", "entry refused " + response.entries().getFirst().errorCode());
        }
    }
}
