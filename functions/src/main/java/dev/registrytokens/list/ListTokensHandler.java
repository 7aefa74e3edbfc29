package dev.registrytokens.list;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.core.Membership;
import dev.registrytokens.core.TokenService;
import dev.registrytokens.http.TokenApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;

/** {@code GET /namespaces/{namespace}/tokens?limit=N&cursor=C} (or {@code /tokens}): the namespace's tokens, newest first, never with secrets. */
public class ListTokensHandler extends TokenApiHandler {
    static final int DEFAULT_LIMIT = 50;

    public ListTokensHandler() {
        super(AwsClients.tokenServiceWithoutSecrets(), AwsClients.namespacesClaim());
    }

    ListTokensHandler(TokenService tokens) {
        super(tokens);
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request, Membership member) {
        return ApiResponses.json(200, tokens.list(member, request.pageLimit(DEFAULT_LIMIT, TokenService.MAX_PAGE_SIZE),
                request.queryParameter("cursor")));
    }
}
