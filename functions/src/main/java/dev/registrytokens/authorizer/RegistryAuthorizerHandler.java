package dev.registrytokens.authorizer;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2CustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.SimpleIAMPolicyResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.runtime.SnapStart;
import dev.registrytokens.http.Headers;
import dev.registrytokens.registry.BasicCredentials;
import dev.registrytokens.registry.ClientAddress;
import dev.registrytokens.registry.LoginContext;
import dev.registrytokens.registry.RegistryLogins;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP API Lambda authorizer (payload 2.0, simple responses) of the registry token endpoint: allows an
 * enabled, unexpired token whose secret matches, from a source under its failure limit, and passes who it is on
 * as context. Anything else, including any error in here, is the same deny: it fails closed. Lambda calls it with the
 * event's JSON ({@link RequestStreamHandler}, read and written by {@link AuthorizerEvents}); tests and priming with
 * the event itself.
 */
public class RegistryAuthorizerHandler implements RequestHandler<APIGatewayV2CustomAuthorizerEvent, SimpleIAMPolicyResponse>,
        RequestStreamHandler {
    private final RegistryLogins logins;
    private final ClientAddress clientAddress;
    /** Held here: the runtime keeps SnapStart hooks only weakly. */
    private final SnapStart snapStart = SnapStart.primeBeforeSnapshot(this::prime);

    public RegistryAuthorizerHandler() {
        this(AwsClients.registryLogins(), AwsClients.clientAddress());
    }

    RegistryAuthorizerHandler(RegistryLogins logins) {
        this(logins, new ClientAddress(null));
    }

    RegistryAuthorizerHandler(RegistryLogins logins, ClientAddress clientAddress) {
        this.logins = logins;
        this.clientAddress = clientAddress;
    }

    @Override
    public void handleRequest(InputStream event, OutputStream response, Context context) throws IOException {
        AuthorizerEvents.write(decide(AuthorizerEvents.read(event)), response);
    }

    @Override
    public SimpleIAMPolicyResponse handleRequest(APIGatewayV2CustomAuthorizerEvent event, Context context) {
        return decide(AuthorizerEvents.LoginRequest.of(event));
    }

    private SimpleIAMPolicyResponse decide(AuthorizerEvents.LoginRequest request) {
        String sourceIp = clientAddress.of(request.sourceIp(), name -> Headers.get(request.headers(), name));
        Optional<RegistryLogins.Login> login;
        try {
            login = logins.decide(BasicCredentials.parse(Headers.get(request.headers(), "authorization")), sourceIp,
                    Headers.get(request.headers(), "user-agent"), request.requestId());
        } catch (RuntimeException dependencyFailed) {
            login = Optional.empty(); // fails closed: no login without a decision
        }
        return login.map(allowed -> new SimpleIAMPolicyResponse(true, LoginContext.of(allowed)))
                .orElseGet(() -> new SimpleIAMPolicyResponse(false, Map.of()));
    }

    /** SnapStart priming: a malformed login (refused before any AWS call) as Lambda sends it, then the login path's reads. */
    private void prime() {
        byte[] malformedLogin = "{\"headers\":{\"authorization\":\"Basic c25hcHN0YXJ0LXByaW1pbmc6bm90LWEtc2VjcmV0\"}}"
                .getBytes(StandardCharsets.UTF_8);
        try {
            handleRequest(new ByteArrayInputStream(malformedLogin), OutputStream.nullOutputStream(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        logins.prime();
    }

}
