package dev.registrytokens.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * EventBridge Scheduler's one-time schedules in memory, with what AWS does that matters here: names are unique in the
 * group, a due schedule fires once and is then deleted (ActionAfterCompletion DELETE). It can be made to fail.
 */
public final class InMemoryExpirySchedules implements ExpirySchedules {
    private final Map<String, ExpiryNotice> schedules = new TreeMap<>();
    private boolean unavailable;
    private int calls;

    public synchronized void unavailable(boolean value) {
        unavailable = value;
    }

    public synchronized int calls() {
        return calls;
    }

    public synchronized Map<String, ExpiryNotice> schedules() {
        return Map.copyOf(schedules);
    }

    @Override
    public synchronized void create(ExpiryNotice notice) {
        call();
        schedules.putIfAbsent(notice.scheduleName(), notice);
    }

    @Override
    public synchronized void delete(String scheduleName) {
        call();
        schedules.remove(scheduleName);
    }

    @Override
    public synchronized List<String> names() {
        call();
        return List.copyOf(schedules.keySet());
    }

    /** Fires every schedule due at {@code now}, in time order, through {@code notices}; each is deleted after. */
    public List<ExpiryNotice> fireDue(Instant now, ExpiryNotices notices) {
        List<ExpiryNotice> due;
        synchronized (this) {
            due = new ArrayList<>(schedules.values().stream().filter(notice -> !notice.sendAt().isAfter(now)).toList());
        }
        due.sort(java.util.Comparator.comparing(ExpiryNotice::sendAt));
        for (ExpiryNotice notice : due) {
            notices.send(notice);
            synchronized (this) {
                schedules.remove(notice.scheduleName());
            }
        }
        return due;
    }

    private void call() {
        calls++;
        if (unavailable) {
            throw DomainException.Unavailable.dependency("scheduler", "error (emulated)");
        }
    }
}
