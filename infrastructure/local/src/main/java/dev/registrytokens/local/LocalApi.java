package dev.registrytokens.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.registrytokens.testing.TemplateResources;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The local stand-in for {@code sam local start-api} (which needs Docker): the dev issuer on one port, and
 * the template's HTTP API on another, served over the real handlers. Functions read their configuration
 * from this process's environment, as Lambda gives it to them.
 */
public final class LocalApi {
    private final HttpServer issuerServer;
    private final HttpServer apiServer;

    private LocalApi(HttpServer issuerServer, HttpServer apiServer) {
        this.issuerServer = issuerServer;
        this.apiServer = apiServer;
    }

    public static void main(String[] argv) throws IOException {
        Args args = Args.parse(argv);
        LocalApi api = start(Path.of(args.get("template", "template.yaml")), Integer.parseInt(args.get("port", "3000")),
                Integer.parseInt(args.get("issuer-port", "3001")), args.parameters());
        System.out.println("local API listening on http://127.0.0.1:" + api.apiServer.getAddress().getPort());
        Runtime.getRuntime().addShutdownHook(new Thread(api::stop));
    }

    /** Starts both servers (port 0 picks a free one); template parameters not given default to the dev issuer's. */
    public static LocalApi start(Path template, int port, int issuerPort, Map<String, String> parameters) throws IOException {
        DevIssuer issuer = DevIssuer.start(issuerPort, parameters.getOrDefault("JwtAudience", "registry-tokens-local"));
        HttpServer issuerServer = issuer.server();

        JsonNode templateTree = TemplateResources.readTemplate(template);
        Map<String, String> resolvedParameters = new HashMap<>(TemplateValues.parametersWithDefaults(templateTree, parameters));
        resolvedParameters.putIfAbsent("JwtIssuer", issuer.issuer());
        resolvedParameters.putIfAbsent("JwtAudience", issuer.audience());
        Routes routes = Routes.fromTemplate(templateTree, new TemplateValues(resolvedParameters, Map.of()));
        HttpServer apiServer = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        apiServer.createContext("/", new Gateway(routes));
        apiServer.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        apiServer.start();
        Gateway.describe(routes).forEach(route -> System.out.println("  " + route));
        return new LocalApi(issuerServer, apiServer);
    }

    public void stop() {
        apiServer.stop(0);
        issuerServer.stop(0);
    }
}
