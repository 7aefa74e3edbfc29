package dev.registrytokens.core;

import java.util.List;
import java.util.Set;

/** Where each audit record's event is put (EventBridge): at least once, with the record's id as the event's id. */
public interface AuditEvents {
    /** At most this many records per {@link #publish} call (PutEvents' limit). */
    int MAX_BATCH = 10;

    /**
     * Puts one event per record; answers the ids of those accepted (the rest failed, and are tried again later). Throws
     * {@link DomainException.Unavailable} when the bus cannot be reached at all.
     */
    Set<String> publish(List<AuditRecord> records);
}
