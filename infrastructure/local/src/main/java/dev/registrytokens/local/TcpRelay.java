package dev.registrytokens.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Forwards every connection made to an address to another, byte for byte both ways (a service on loopback, reached from a container). */
final class TcpRelay implements AutoCloseable {
    private final ServerSocket server;

    private TcpRelay(ServerSocket server) {
        this.server = server;
    }

    static TcpRelay start(InetSocketAddress listen, InetSocketAddress target) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(listen);
        TcpRelay relay = new TcpRelay(server);
        Thread.ofPlatform().daemon().name("relay " + listen + " -> " + target).start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket(target.getAddress(), target.getPort());
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException closedOrRefused) {
                    // the relay closed, or the target refused this one connection
                }
            }
        });
        return relay;
    }

    /** Copies one direction on a platform thread (a blocking read holds it), closing both sockets when either ends. */
    private static void pump(Socket from, Socket to) {
        Thread.ofPlatform().daemon().start(() -> {
            try (from; to; InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ended) {
                // either side closed
            }
        });
    }

    int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
