package dev.registrytokens.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.core.Membership;
import dev.registrytokens.core.TokenService;

/**
 * A management API handler: acts on the tokens of one namespace, as the caller's role there allows. The namespace is
 * the path's ({@code /namespaces/{namespace}/tokens…}), or on the {@code /tokens…} routes the caller's own.
 */
public abstract class TokenApiHandler extends ApiHandler {
    protected final TokenService tokens;

    protected TokenApiHandler(TokenService tokens) {
        this.tokens = tokens;
    }

    protected abstract APIGatewayV2HTTPResponse handle(ApiRequest request, Membership member);

    @Override
    protected final APIGatewayV2HTTPResponse handle(ApiRequest request) {
        var caller = request.caller();
        String namespace = request.pathParameter("namespace");
        return handle(request, caller.in(namespace != null ? namespace : request.personalNamespace()));
    }
}
