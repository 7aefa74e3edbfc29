package dev.registrytokens.namespaces;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.registrytokens.aws.AwsClients;
import dev.registrytokens.http.ApiHandler;
import dev.registrytokens.http.ApiRequest;
import dev.registrytokens.http.ApiResponses;
import java.util.List;

/** {@code GET /namespaces}: the caller's namespaces and their role in each, as their identity provider states them. */
public class ListNamespacesHandler extends ApiHandler {
    /** One of the caller's namespaces. */
    record NamespaceView(String namespace, String role) {
    }

    record NamespacePage(List<NamespaceView> items) {
    }

    private final String namespacesClaim;

    public ListNamespacesHandler() {
        this(AwsClients.namespacesClaim());
    }

    /** {@code namespacesClaim}: the JWT claim that lists the caller's namespaces and roles. */
    ListNamespacesHandler(String namespacesClaim) {
        this.namespacesClaim = namespacesClaim;
    }

    @Override
    protected APIGatewayV2HTTPResponse handle(ApiRequest request) {
        return ApiResponses.json(200, new NamespacePage(request.caller(namespacesClaim).memberships().stream()
                .map(membership -> new NamespaceView(membership.namespace(), membership.role().label()))
                .toList()));
    }
}
