package dev.registrytokens.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.core.Account;
import dev.registrytokens.core.TokenService;

/** A management API handler: acts on the caller's own tokens, so it needs the account the JWT names. */
public abstract class TokenApiHandler extends ApiHandler {
    protected final TokenService tokens;

    protected TokenApiHandler(TokenService tokens) {
        this.tokens = tokens;
    }

    protected abstract APIGatewayV2HTTPResponse handle(ApiRequest request, Account account);

    @Override
    protected final APIGatewayV2HTTPResponse handle(ApiRequest request) {
        return handle(request, request.account());
    }
}
