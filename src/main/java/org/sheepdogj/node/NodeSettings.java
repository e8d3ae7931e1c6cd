package org.sheepdogj.node;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

import org.sheepdogj.recovery.RecoveryManager;

import com.typesafe.config.Config;

/** The {@code sheepdog.*} settings of a node, read once at start. */
public record NodeSettings(Path store, int port, String bindAddress, String advertiseAddress, int clusterPort,
                           List<String> join, boolean nosync, int zone, int vnodes, boolean gateway, String logLevel,
                           int nbdPort, int httpPort, int maxBlockSizeShift, int maxDataLength, int maxInFlight,
                           long connectionBytes, long nodeBytes, int openFiles,
                           RecoveryManager.Throttle recoveryThrottle, long objectCacheBytes) {

    public static NodeSettings from(Config root) {
        Config c = root.getConfig("sheepdog");
        int port = c.getInt("port");
        int clusterPort = c.getInt("cluster-port") == 0 ? port + 10000 : c.getInt("cluster-port");
        String bind = c.getString("bind-address");
        String advertise = c.getString("advertise-address");
        if (advertise.isEmpty()) {
            advertise = "0.0.0.0".equals(bind) ? firstExternalAddress() : bind;
        }
        return new NodeSettings(Path.of(c.getString("store")), port, bind, advertise, clusterPort,
                c.getStringList("join"), c.getBoolean("nosync"), c.getInt("zone"), c.getInt("vnodes"),
                c.getBoolean("gateway"), c.getString("log-level"), c.getInt("nbd-port"), c.getInt("http-port"),
                c.getInt("max-block-size-shift"), (int) c.getBytes("protocol.max-data-length").longValue(),
                c.getInt("protocol.max-in-flight-per-connection"),
                c.getBytes("protocol.connection-byte-budget"), c.getBytes("protocol.node-byte-budget"),
                c.getInt("open-files"), new RecoveryManager.Throttle(c.getInt("recovery.parallel"),
                c.getInt("recovery.max-per-interval"), c.getDuration("recovery.interval")),
                c.getBytes("object-cache.size"));
    }

    /** The machine's first non-loopback IPv4 address, as sheep picks its own address; loopback if none. */
    static String firstExternalAddress() {
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException ignored) {
            // no interfaces to look at: loopback it is
        }
        return "127.0.0.1";
    }
}
