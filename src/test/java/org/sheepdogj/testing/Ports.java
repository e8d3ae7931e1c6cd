package org.sheepdogj.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on loopback for the nodes a test starts, taken below the kernel's ephemeral range. A port the
 * kernel handed out for {@code bind(0)} comes from that range, and between our probe and the node's bind (a JVM's
 * start, seconds) the kernel may give the same port to any outgoing connection as its source port; the node then
 * cannot bind it. Ports below the range are never given out that way.
 */
public final class Ports {
    private static final int LOWEST = 10_000;
    private static final int FIRST_EPHEMERAL = firstEphemeral();
    /** Where the next search starts: past every port handed out, so none is handed out twice before it is bound. */
    private static int next = LOWEST + ThreadLocalRandom.current().nextInt(FIRST_EPHEMERAL - LOWEST);

    private Ports() {
    }

    public static synchronized int free() {
        int port = freeFrom(LOWEST, FIRST_EPHEMERAL, next);
        next = port + 1;
        return port;
    }

    /** The first port from {@code first} on, wrapping within [{@code lowest}, {@code end}), that can be bound. */
    public static int freeFrom(int lowest, int end, int first) {
        int span = end - lowest;
        for (int i = 0; i < span; i++) {
            int port = lowest + Math.floorMod(first - lowest + i, span);
            if (bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port from " + lowest + " to " + (end - 1));
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }

    /** Linux names its ephemeral range in /proc; elsewhere, IANA's range (49152 and up) is the usual one. */
    private static int firstEphemeral() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            return Math.max(LOWEST + 1_000, Integer.parseInt(range.split("\\s+")[0]));
        } catch (IOException | RuntimeException notLinux) {
            return 49_152;
        }
    }
}
