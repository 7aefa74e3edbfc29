package dev.registrytokens.expirynotice;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.DomainException;
import dev.registrytokens.core.ExpiryEvent;
import dev.registrytokens.core.ExpiryNotice;
import dev.registrytokens.core.ExpiryNotices;
import dev.registrytokens.core.TokenIds;
import dev.registrytokens.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The target of the expiry schedules (EventBridge Scheduler invokes it with the schedule's input,
 * {@code {"namespace","tokenId","kind","expiresAt"}}): puts {@code Token Expiring} or {@code Token Expired} if the
 * token still exists and still expires then. An unavailable dependency fails the invocation, so that it is retried;
 * an input of no notice is logged and dropped (a retry would not mend it).
 */
public class ExpiryNoticeHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final ExpiryNotices notices;

    public ExpiryNoticeHandler() {
        this(AwsClients.expiryNotices());
    }

    ExpiryNoticeHandler(ExpiryNotices notices) {
        this.notices = notices;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Optional<ExpiryNotice> notice = noticeOf(input);
        Map<String, Object> outcome = new LinkedHashMap<>();
        if (notice.isEmpty()) {
            outcome.put("sent", false);
            outcome.put("reason", "not_a_notice");
            System.out.println(Json.write(Map.of("expiryNotice", outcome)));
            return outcome;
        }
        outcome.put("tokenId", notice.get().tokenId());
        outcome.put("kind", notice.get().kind().label());
        try {
            Optional<ExpiryEvent> sent = notices.send(notice.get());
            outcome.put("sent", sent.isPresent());
            sent.ifPresentOrElse(event -> outcome.put("detailType", event.detailType()),
                    () -> outcome.put("reason", "token_gone_or_expiry_moved"));
        } catch (DomainException.Unavailable e) {
            outcome.put("sent", false);
            outcome.put("cause", e.diagnosis());
            System.out.println(Json.write(Map.of("expiryNotice", outcome)));
            throw e;
        }
        System.out.println(Json.write(Map.of("expiryNotice", outcome)));
        return outcome;
    }

    private static Optional<ExpiryNotice> noticeOf(Map<String, Object> input) {
        if (input == null || !(input.get("namespace") instanceof String namespace) || !(input.get("tokenId") instanceof String tokenId)
                || !(input.get("kind") instanceof String kind) || !(input.get("expiresAt") instanceof Number expiresAt)
                || !TokenIds.isWellFormed(tokenId)) {
            return Optional.empty();
        }
        return ExpiryNotice.Kind.ofLabel(kind).map(known -> new ExpiryNotice(namespace, tokenId, known, expiresAt.longValue()));
    }
}
