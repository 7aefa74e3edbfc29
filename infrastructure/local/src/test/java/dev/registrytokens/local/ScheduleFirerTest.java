package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.registrytokens.testkit.AwsEmulator;
import dev.registrytokens.testkit.ScheduleFirer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;
import software.amazon.awssdk.services.scheduler.model.ScheduleSummary;

/** The firer does what Scheduler does with one-time schedules, which moto only stores. */
@Tag("machine")
class ScheduleFirerTest {
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private final SchedulerClient scheduler = AwsEmulator.stack().scheduler();
    private final String group = AwsEmulator.stack().expiryScheduleGroup();
    private final String prefix = "firer-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    private final Instant now = Instant.parse("2026-12-03T12:00:00Z");
    private final List<String> invoked = new ArrayList<>();

    private void schedule(String name, Instant at, String zone, ActionAfterCompletion after) {
        scheduler.createSchedule(request -> request.groupName(group).name(prefix + name)
                .scheduleExpression("at(" + AT.withZone(java.time.ZoneId.of(zone)).format(at) + ")").scheduleExpressionTimezone(zone)
                .flexibleTimeWindow(window -> window.mode(FlexibleTimeWindowMode.OFF)).actionAfterCompletion(after)
                .target(target -> target.arn("arn:aws:lambda:us-east-1:123456789012:function:f").roleArn("arn:aws:iam::123456789012:role/r")
                        .input("{\"n\":\"" + name + "\"}")));
    }

    private Set<String> left() {
        Set<String> names = new TreeSet<>();
        scheduler.listSchedulesPaginator(request -> request.groupName(group)).schedules().stream().map(ScheduleSummary::name)
                .filter(name -> name.startsWith(prefix)).forEach(name -> names.add(name.substring(prefix.length())));
        return names;
    }

    @Test
    void firesDueOneTimeSchedulesInTimeOrderOnceAndDeletesThoseThatSayDelete() {
        schedule("later", now.minusSeconds(10), "UTC", ActionAfterCompletion.DELETE);
        schedule("earlier-in-its-zone", now.minusSeconds(60), "Europe/Zurich", ActionAfterCompletion.DELETE);
        schedule("kept", now.minusSeconds(30), "UTC", ActionAfterCompletion.NONE);
        schedule("future", now.plusSeconds(1), "UTC", ActionAfterCompletion.DELETE);
        ScheduleFirer firer = new ScheduleFirer(scheduler, group, (arn, input) -> invoked.add(input));

        assertEquals(3, firer.fireDue(now, prefix).size());
        assertEquals(List.of("{\"n\":\"earlier-in-its-zone\"}", "{\"n\":\"kept\"}", "{\"n\":\"later\"}"), invoked);
        assertEquals(Set.of("future", "kept"), left());
        assertEquals(List.of(), firer.fireDue(now, prefix), "a one-time schedule kept after it fired does not fire again");
    }

    @Test
    void aTargetThatFailsLeavesItsScheduleToFireAgain() {
        schedule("failing", now.minusSeconds(1), "UTC", ActionAfterCompletion.DELETE);
        ScheduleFirer firer = new ScheduleFirer(scheduler, group, (arn, input) -> {
            throw new IllegalStateException("target down");
        });
        assertThrows(IllegalStateException.class, () -> firer.fireDue(now, prefix));
        assertEquals(Set.of("failing"), left());
    }

    @Test
    void aScheduleMovedAfterAPassFiresAtItsNewTimeAndNotAtItsOld() {
        schedule("moved", now.plusSeconds(3600), "UTC", ActionAfterCompletion.DELETE);
        ScheduleFirer firer = new ScheduleFirer(scheduler, group, (arn, input) -> invoked.add(input));
        assertEquals(List.of(), firer.fireDue(now, prefix), "not yet due");

        scheduler.updateSchedule(request -> request.groupName(group).name(prefix + "moved")
                .scheduleExpression("at(" + AT.format(now.minusSeconds(5)) + ")").scheduleExpressionTimezone("UTC")
                .flexibleTimeWindow(window -> window.mode(FlexibleTimeWindowMode.OFF)).actionAfterCompletion(ActionAfterCompletion.DELETE)
                .target(target -> target.arn("arn:aws:lambda:us-east-1:123456789012:function:f").roleArn("arn:aws:iam::123456789012:role/r")
                        .input("{\"n\":\"moved\"}")));

        assertEquals(1, firer.fireDue(now, prefix).size(), "the moved schedule is read again and is due");
        assertEquals(List.of("{\"n\":\"moved\"}"), invoked);
        assertEquals(Set.of(), left());
    }
}
