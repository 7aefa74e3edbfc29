package dev.registrytokens.testkit;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.scheduler.model.ScheduleSummary;

/**
 * EventBridge Scheduler's firing of one-time schedules, for an emulator that stores schedules but never fires them
 * (moto): each schedule of the group whose {@code at(...)} time (in its ScheduleExpressionTimezone, UTC if none) is at
 * or before the given instant is handed to its target, once, in time order, and then deleted if its
 * ActionAfterCompletion is DELETE, as AWS does. Tests fire at once, at any instant they choose, as TtlSweeper expires
 * items, and the local stack fires on a timer ({@link #start}); a target that fails leaves its schedule in place (AWS
 * retries it). Each pass lists the group and reads only the schedules new or modified since it last read them (a token
 * has up to three), so a pass over thousands of schedules costs the single-threaded emulator a listing, not thousands
 * of reads.
 */
public final class ScheduleFirer implements AutoCloseable {
    private static final Pattern AT = Pattern.compile("at\\((\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2})\\)");

    /** Where a fired schedule goes: its target's ARN and input, as Scheduler invokes it. */
    @FunctionalInterface
    public interface Target {
        void invoke(String arn, String input);
    }

    /** One schedule that fired. */
    public record Fired(String name, Instant at, String targetArn, String input) {
    }

    private final SchedulerClient scheduler;
    private final String groupName;
    private final Target target;
    /** Schedules fired and kept (ActionAfterCompletion NONE): a one-time schedule fires once. */
    private final Set<String> firedAndKept = ConcurrentHashMap.newKeySet();
    /** The last read of each listed schedule, by name; read again when its LastModificationDate moves. */
    private final Map<String, GetScheduleResponse> read = new ConcurrentHashMap<>();
    private final ScheduledExecutorService runner =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("schedule-firer").factory());

    public ScheduleFirer(SchedulerClient scheduler, String groupName, Target target) {
        this.scheduler = scheduler;
        this.groupName = groupName;
        this.target = target;
    }

    /** Fires what is due now, and then every {@code interval} (Scheduler's own precision is a minute). */
    public void start(Duration interval) {
        runner.scheduleWithFixedDelay(() -> {
            // An exception escaping a periodic task would end the schedule: report it and fire again next time.
            try {
                fireDue(Instant.now());
            } catch (RuntimeException e) {
                System.err.println("schedule firer: " + groupName + ": " + e);
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }

    /** Fires every schedule due at {@code now}; answers those fired. */
    public List<Fired> fireDue(Instant now) {
        return fireDue(now, "");
    }

    /**
     * Fires the due schedules whose names begin with {@code namePrefix} (a token's id, say), so that tests sharing
     * the group fire only their own.
     */
    public List<Fired> fireDue(Instant now, String namePrefix) {
        List<GetScheduleResponse> due = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        for (ScheduleSummary summary : scheduler.listSchedulesPaginator(request -> request.groupName(groupName)).schedules()) {
            listed.add(summary.name());
            if (!summary.name().startsWith(namePrefix) || firedAndKept.contains(summary.name())) {
                continue;
            }
            GetScheduleResponse schedule = current(summary);
            Instant at = timeOf(schedule);
            if (at != null && !at.isAfter(now)) {
                due.add(schedule);
            }
        }
        if (namePrefix.isEmpty()) {
            read.keySet().retainAll(listed);
        }
        due.sort(Comparator.comparing(ScheduleFirer::timeOf));
        List<Fired> fired = new ArrayList<>();
        for (GetScheduleResponse schedule : due) {
            target.invoke(schedule.target().arn(), schedule.target().input());
            fired.add(new Fired(schedule.name(), timeOf(schedule), schedule.target().arn(), schedule.target().input()));
            if (schedule.actionAfterCompletion() == ActionAfterCompletion.DELETE) {
                try {
                    scheduler.deleteSchedule(request -> request.groupName(groupName).name(schedule.name()));
                    read.remove(schedule.name());
                } catch (ResourceNotFoundException deletedMeanwhile) {
                    // The target's own change may have deleted it: nothing left to do.
                }
            } else {
                firedAndKept.add(schedule.name());
            }
        }
        return fired;
    }

    private GetScheduleResponse current(ScheduleSummary summary) {
        GetScheduleResponse last = read.get(summary.name());
        if (last != null && summary.lastModificationDate() != null
                && Objects.equals(last.lastModificationDate(), summary.lastModificationDate())) {
            return last;
        }
        GetScheduleResponse schedule = scheduler.getSchedule(request -> request.groupName(groupName).name(summary.name()));
        read.put(summary.name(), schedule);
        return schedule;
    }

    /** The instant of a one-time schedule; null for a rate or cron schedule, which this firer does not run. */
    private static Instant timeOf(GetScheduleResponse schedule) {
        Matcher at = AT.matcher(schedule.scheduleExpression());
        if (!at.matches()) {
            return null;
        }
        String zone = schedule.scheduleExpressionTimezone();
        return LocalDateTime.parse(at.group(1)).atZone(ZoneId.of(zone == null || zone.isBlank() ? "UTC" : zone)).toInstant();
    }
}
