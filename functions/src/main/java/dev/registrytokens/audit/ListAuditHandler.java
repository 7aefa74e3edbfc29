package dev.registrytokens.audit;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.AuditLog;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.http.ApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;
import dev.registrytokens.runtime.SnapStart;
import java.util.Map;

/**
 * {@code GET /namespaces/{namespace}/audit?limit=N&cursor=C&tokenId=T}: the namespace's audit log, newest first, for
 * every member (viewers too); one token's records with {@code tokenId}. Another namespace is 404, as its tokens are.
 */
public class ListAuditHandler extends ApiHandler {
    static final int DEFAULT_LIMIT = 50;

    private final AuditLog audit;
    private final String namespacesClaim;

    public ListAuditHandler() {
        this(AwsClients.auditLog(), AwsClients.namespacesClaim());
    }

    ListAuditHandler(AuditLog audit) {
        this(audit, ApiRequest.DEFAULT_NAMESPACES_CLAIM);
    }

    private ListAuditHandler(AuditLog audit, String namespacesClaim) {
        this.audit = audit;
        this.namespacesClaim = namespacesClaim;
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        var member = request.caller(namespacesClaim).in(request.pathParameter("namespace"));
        return ApiResponses.json(200, audit.list(member, request.pageLimit(DEFAULT_LIMIT, TokenService.MAX_PAGE_SIZE),
                request.queryParameter("cursor"), request.queryParameter("tokenId")));
    }

    /** Lists the priming namespace's log, which is empty: a real Query, Jackson and the answer, no write. */
    @Override
    protected void prime() {
        primeOn(Map.of("namespace", SnapStart.PRIMING_ACCOUNT));
    }
}
