package dev.registrytokens.unusedsweep;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.UnusedTokenSweep;
import dev.registrytokens.json.Json;

/** The daily schedule's target: disables, in each namespace whose policy says so, the tokens unused for its days. */
public class UnusedTokenSweepHandler implements RequestHandler<ScheduledEvent, UnusedTokenSweep.Result> {
    private final UnusedTokenSweep sweep;

    public UnusedTokenSweepHandler() {
        this(AwsClients.unusedTokenSweep());
    }

    UnusedTokenSweepHandler(UnusedTokenSweep sweep) {
        this.sweep = sweep;
    }

    @Override
    public UnusedTokenSweep.Result handleRequest(ScheduledEvent event, Context context) {
        UnusedTokenSweep.Result result = sweep.run();
        System.out.println(Json.write(new SweepLogLine(event == null ? null : event.getId(), result.namespaces(), result.disabled())));
        return result;
    }

    private record SweepLogLine(String scheduleEventId, int namespaces, int disabled) {
    }
}
