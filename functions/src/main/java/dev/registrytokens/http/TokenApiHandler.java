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
    private final String namespacesClaim;

    /** {@code namespacesClaim}: the JWT claim that lists the caller's namespaces and roles. */
    protected TokenApiHandler(TokenService tokens, String namespacesClaim) {
        this.tokens = tokens;
        this.namespacesClaim = namespacesClaim;
    }

    /** With the template's default namespaces claim. */
    protected TokenApiHandler(TokenService tokens) {
        this(tokens, ApiRequest.DEFAULT_NAMESPACES_CLAIM);
    }

    protected abstract APIGatewayV2HTTPResponse handle(ApiRequest request, Membership member);

    @Override
    protected final APIGatewayV2HTTPResponse handle(ApiRequest request) {
        var caller = request.caller(namespacesClaim);
        String namespace = request.pathParameter("namespace");
        return handle(request, caller.in(namespace != null ? namespace : request.personalNamespace()).from(request.origin()));
    }
}
