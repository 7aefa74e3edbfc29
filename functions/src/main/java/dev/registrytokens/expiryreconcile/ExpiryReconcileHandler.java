package dev.registrytokens.expiryreconcile;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.ExpiringTokens;
import dev.registrytokens.core.ExpiryScheduling;
import dev.registrytokens.json.Json;
import java.util.Map;

/**
 * Hourly (an EventBridge rule): makes the expiry schedules match the tokens, repairing what a failed best-effort move
 * after a change left: creates the missing, deletes those of deleted tokens and moved expiries.
 */
public class ExpiryReconcileHandler implements RequestHandler<ScheduledEvent, ExpiryScheduling.Reconciled> {
    private final ExpiringTokens tokens;
    private final ExpiryScheduling scheduling;

    public ExpiryReconcileHandler() {
        this(AwsClients.expiringTokens(), AwsClients.expiryScheduling());
    }

    ExpiryReconcileHandler(ExpiringTokens tokens, ExpiryScheduling scheduling) {
        this.tokens = tokens;
        this.scheduling = scheduling;
    }

    @Override
    public ExpiryScheduling.Reconciled handleRequest(ScheduledEvent event, Context context) {
        ExpiryScheduling.Reconciled reconciled = scheduling.reconcile(tokens.all());
        System.out.println(Json.write(Map.of("expiryReconcile", reconciled)));
        return reconciled;
    }
}
