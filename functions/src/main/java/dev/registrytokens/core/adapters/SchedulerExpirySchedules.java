package dev.registrytokens.core.adapters;

import dev.registrytokens.core.ExpiryNotice;
import dev.registrytokens.core.ExpirySchedules;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ActionAfterCompletion;
import software.amazon.awssdk.services.scheduler.model.ConflictException;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindowMode;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.scheduler.model.ScheduleSummary;

/**
 * Expiry notices as EventBridge Scheduler one-time schedules in one group: {@code at(...)} in UTC, no flexible window,
 * deleted by Scheduler once fired ({@code ActionAfterCompletion: DELETE}). Each targets the notice function with the
 * scheduler's execution role and an input naming the notice ({@link #input}); never a secret.
 */
public final class SchedulerExpirySchedules implements ExpirySchedules {
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private final SchedulerClient scheduler;
    private final String groupName;
    private final String targetArn;
    private final String roleArn;

    public SchedulerExpirySchedules(SchedulerClient scheduler, String groupName, String targetArn, String roleArn) {
        this.scheduler = scheduler;
        this.groupName = groupName;
        this.targetArn = targetArn;
        this.roleArn = roleArn;
    }

    /** {@code at(yyyy-mm-ddThh:mm:ss)}, Scheduler's one-time expression, in the UTC the schedule names as its zone. */
    public static String expressionOf(ExpiryNotice notice) {
        return "at(" + AT.format(notice.sendAt()) + ")";
    }

    /** What the notice function receives: {@code {"namespace","tokenId","kind","expiresAt"}}. */
    public static String input(ExpiryNotice notice) {
        JsonWriter json = JsonWriter.create();
        json.writeStartObject()
                .writeFieldName("namespace").writeValue(notice.namespace())
                .writeFieldName("tokenId").writeValue(notice.tokenId())
                .writeFieldName("kind").writeValue(notice.kind().label())
                .writeFieldName("expiresAt").writeValue(notice.expiresAt())
                .writeEndObject();
        return new String(json.getBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void create(ExpiryNotice notice) {
        try {
            scheduler.createSchedule(request -> request
                    .groupName(groupName)
                    .name(notice.scheduleName())
                    .scheduleExpression(expressionOf(notice))
                    .scheduleExpressionTimezone("UTC")
                    .flexibleTimeWindow(window -> window.mode(FlexibleTimeWindowMode.OFF))
                    .actionAfterCompletion(ActionAfterCompletion.DELETE)
                    .target(target -> target.arn(targetArn).roleArn(roleArn).input(input(notice))));
        } catch (ConflictException alreadyScheduled) {
            // The name says the token, kind and expiry: the schedule there is this one.
        } catch (SdkException e) {
            throw DependencyFailures.unavailable("EventBridge Scheduler", e);
        }
    }

    @Override
    public void delete(String scheduleName) {
        try {
            scheduler.deleteSchedule(request -> request.groupName(groupName).name(scheduleName));
        } catch (ResourceNotFoundException firedOrNeverMade) {
            // Nothing to delete.
        } catch (SdkException e) {
            throw DependencyFailures.unavailable("EventBridge Scheduler", e);
        }
    }

    @Override
    public List<String> names() {
        try {
            return scheduler.listSchedulesPaginator(request -> request.groupName(groupName)).schedules().stream()
                    .map(ScheduleSummary::name).toList();
        } catch (SdkException e) {
            throw DependencyFailures.unavailable("EventBridge Scheduler", e);
        }
    }
}
