package dev.registrytokens.core.adapters;

import dev.registrytokens.core.AuditEvents;
import dev.registrytokens.core.AuditRecord;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * Audit events on an EventBridge bus: source {@code registry-tokens}, the action's detail-type, and the detail the
 * wiring writes (JSON, holding the record's id as {@code eventId}). One PutEvents per batch; its entries answer in
 * order, each accepted or failed on its own.
 */
public final class EventBridgeAuditEvents implements AuditEvents {
    public static final String SOURCE = "registry-tokens";
    private static final String BUS = "The event bus";

    private final EventBridgeClient eventBridge;
    private final String busName;
    private final Function<AuditRecord, String> detail;

    public EventBridgeAuditEvents(EventBridgeClient eventBridge, String busName, Function<AuditRecord, String> detail) {
        this.eventBridge = eventBridge;
        this.busName = busName;
        this.detail = detail;
    }

    @Override
    public Set<String> publish(List<AuditRecord> records) {
        List<PutEventsRequestEntry> entries = records.stream()
                .map(record -> PutEventsRequestEntry.builder().eventBusName(busName).source(SOURCE)
                        .detailType(record.action().detailType()).time(record.at()).detail(detail.apply(record)).build())
                .toList();
        PutEventsResponse response;
        try {
            response = eventBridge.putEvents(request -> request.entries(entries));
        } catch (SdkClientException | EventBridgeException e) {
            throw DependencyFailures.unavailable(BUS, e);
        }
        Set<String> accepted = new HashSet<>();
        for (int i = 0; i < records.size() && i < response.entries().size(); i++) {
            if (response.entries().get(i).errorCode() == null) {
                accepted.add(records.get(i).id());
            }
        }
        return accepted;
    }
}
