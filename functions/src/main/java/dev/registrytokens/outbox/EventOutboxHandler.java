package dev.registrytokens.outbox;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.AuditLog;
import dev.registrytokens.core.DomainException;
import dev.registrytokens.json.Json;
import java.time.Duration;
import java.util.Map;

/**
 * Run every minute by an EventBridge schedule: publishes the audit events still in the outbox (those whose function
 * could not, or not yet), oldest first, for at most 40 s of its 60 s timeout. An event published twice (put, then
 * the outbox entry's removal failed) carries the same {@code eventId}: consumers drop repeats by it.
 */
public class EventOutboxHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    static final Duration BUDGET = Duration.ofSeconds(40);

    private final AuditLog outbox;

    public EventOutboxHandler() {
        this(AwsClients.eventOutbox());
    }

    EventOutboxHandler(AuditLog outbox) {
        this.outbox = outbox;
    }

    /** Answers (and logs) how many events it published and how many failed; a bus or table outage is logged, not thrown. */
    @Override
    public Map<String, Object> handleRequest(Map<String, Object> scheduledEvent, Context context) {
        Map<String, Object> result;
        try {
            AuditLog.Drained drained = outbox.publishPending(BUDGET);
            result = Map.of("published", drained.published(), "failed", drained.failed());
        } catch (DomainException.Unavailable e) {
            result = Map.of("published", 0, "failed", 0, "cause", e.diagnosis());
        }
        System.out.println(Json.write(Map.of("outbox", result)));
        return result;
    }
}
