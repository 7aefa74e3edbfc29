package dev.registrytokens.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

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
            if (listens(process.pid(), port)) {
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

    private static boolean listens(long pid, int port) {
        Set<String> sockets = listeningSockets(port);
        if (sockets.isEmpty()) {
            return false;
        }
        try (Stream<Path> descriptors = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return descriptors.anyMatch(descriptor -> {
                try {
                    return sockets.contains(Files.readSymbolicLink(descriptor).toString());
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            });
        } catch (IOException processGone) {
            return false;
        }
    }

    /** The sockets ("socket:[inode]") listening on the TCP port, from /proc/net/tcp and tcp6. */
    private static Set<String> listeningSockets(int port) {
        Set<String> sockets = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (String line : lines.subList(1, lines.size())) {
                    String[] fields = line.trim().split("\\s+");
                    String local = fields[1];
                    if (fields[3].equals("0A") && Integer.parseInt(local.substring(local.indexOf(':') + 1), 16) == port) {
                        sockets.add("socket:[" + fields[9] + "]");
                    }
                }
            } catch (IOException noSuchTable) {
                // no IPv6 on this machine
            }
        }
        return sockets;
    }
}
