package dev.registrytokens.core;

import java.util.List;

/**
 * Where a token's {@link ExpiryNotice}s wait until they are due: one one-time schedule each, in one schedule group
 * (EventBridge Scheduler, {@code core.adapters.SchedulerExpirySchedules}). Every call is idempotent; a failing
 * dependency is a {@link DomainException.Unavailable}.
 */
public interface ExpirySchedules {
    /**
     * No schedules: for the functions that never change an expiry (get, list, enable, disable), and for tests of other
     * rules. Nothing is scheduled, nothing listed.
     */
    ExpirySchedules NONE = new ExpirySchedules() {
        @Override
        public void create(ExpiryNotice notice) {
        }

        @Override
        public void delete(String scheduleName) {
        }

        @Override
        public List<String> names() {
            return List.of();
        }
    };

    /** Schedules the notice at its time, deleted once it has fired; a schedule of that name already there stays. */
    void create(ExpiryNotice notice);

    /** Deletes the schedule of that name; an absent one (fired, or never made) is no failure. */
    void delete(String scheduleName);

    /** The names of all schedules in the group. */
    List<String> names();
}
