package dev.registrytokens.testing;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.core.TokenService;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

/**
 * A management handler of any package, built with the constructor its own package's tests use (the one that takes the
 * service), for tests that cross every action at once.
 */
public final class TestHandlers {
    private TestHandlers() {
    }

    @SuppressWarnings("unchecked")
    public static RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> of(String handlerClass, TokenService tokens) {
        try {
            Constructor<?> constructor = Class.forName(handlerClass).getDeclaredConstructor(TokenService.class);
            constructor.setAccessible(true);
            return (RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>) constructor.newInstance(tokens);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no (TokenService) constructor in " + handlerClass, e instanceof InvocationTargetException i ? i.getCause() : e);
        }
    }
}
