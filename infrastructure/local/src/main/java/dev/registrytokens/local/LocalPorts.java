package dev.registrytokens.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import dev.registrytokens.testkit.Processes;
import java.time.Duration;
import java.util.List;

/** Loopback ports for the local processes. */
final class LocalPorts {
    private LocalPorts() {
    }

    /** {@code count} distinct free ports (all held open at once while chosen). */
    static int[] free(int count) {
        List<ServerSocket> sockets = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            sockets.forEach(socket -> {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a socket that was only bound
                }
            });
        }
    }

    /**
     * Waits until the process itself listens on the port. A free port can be taken by another process between being
     * chosen and being bound; a plain connect would then find that other listener, so ownership is read from /proc.
     * Fails if the process ends (it could not bind) or the time runs out.
     */
    static void awaitListening(int port, Process process, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the process exited with " + process.exitValue() + " before listening on " + port);
            }
            if (Processes.listens(process.pid(), port)) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("the process did not listen on port " + port + " within " + limit);
    }
}
