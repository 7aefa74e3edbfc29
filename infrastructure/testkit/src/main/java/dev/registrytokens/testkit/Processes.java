package dev.registrytokens.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Starting the processes the tests and local tools need, and waiting for a server among them to listen. */
public final class Processes {
    private Processes() {
    }

    /** Starts the process; refused in the fast tier ({@link FastTier}), whose tests start none. */
    public static Process start(ProcessBuilder builder) throws IOException {
        FastTier.refuse("a process (" + String.join(" ", builder.command()) + ")");
        return builder.start();
    }

    /** Returns once the process itself listens on the port; fails with its log if it exits or times out. */
    public static void awaitListening(int port, Process process, Path log, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        try {
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(process.info().command().orElse("process") + " exited:\n" + Files.readString(log));
                }
                if (listens(process.pid(), port)) {
                    return;
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("nothing listened on port " + port + " within " + timeout + ":\n" + Files.readString(log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether the process itself has a listening TCP socket on the port. A port chosen free can be taken by another
     * process before the intended one binds it, and a plain connect would then find that other listener; ownership
     * is read from /proc.
     */
    public static boolean listens(long pid, int port) {
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
