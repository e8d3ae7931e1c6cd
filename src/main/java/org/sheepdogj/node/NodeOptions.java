package org.sheepdogj.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The daemon's command line, named as sheep names its options, mapped onto the {@code sheepdog.*} settings. */
@Command(name = "sheep", versionProvider = Version.class,
        description = "A sheepdog-j storage node: serves the sheepdog protocol (QEMU, dog) and NBD.")
public final class NodeOptions implements Callable<Config> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "show the version and exit")
    boolean version;

    @Parameters(arity = "0..1", paramLabel = "STORE_DIR", description = "store directory (as --store)")
    String storeArg;

    @Option(names = "--store", paramLabel = "DIR", description = "store directory (default /var/lib/sheepdog)")
    String store;

    @Option(names = {"-p", "--port"}, description = "sheepdog protocol port (default 7000)")
    Integer port;

    @Option(names = {"-b", "--bindaddr"}, paramLabel = "ADDR", description = "address to listen on (default 0.0.0.0)")
    String bindAddress;

    @Option(names = "--advertise", paramLabel = "ADDR", description = "address other nodes and dog use for this one")
    String advertise;

    @Option(names = "--cluster-port", description = "Pekko cluster port (default: port + 10000)")
    Integer clusterPort;

    @Option(names = "--join", paramLabel = "HOST:PORT[,...]", split = ",",
            description = "cluster nodes to join (their cluster ports); without it the node forms its own cluster")
    List<String> join;

    @Option(names = {"-n", "--nosync"}, description = "do not sync writes to disk (not crash safe)")
    boolean nosync;

    @Option(names = {"-z", "--zone"}, description = "zone (failure domain) of this node")
    Integer zone;

    @Option(names = {"-V", "--vnodes"}, description = "number of virtual nodes (default: automatic)")
    Integer vnodes;

    @Option(names = {"-g", "--gateway"}, description = "gateway only: store no objects")
    boolean gateway;

    @Option(names = {"-l", "--log"}, paramLabel = "LEVEL", description = "log level: 0-7 or error, warning, info, debug")
    String logLevel;

    @Option(names = {"-R", "--recovery"}, paramLabel = "max=N,interval=MS",
            description = "recovery throttle: at most N objects per interval of MS milliseconds")
    String recovery;

    @Option(names = {"-w", "--cache"}, paramLabel = "size=MIB",
            description = "object cache of MIB mebibytes for clients that ask for write-back caching")
    String cache;

    @Option(names = {"-f", "--foreground"}, description = "accepted for compatibility; the node always runs in the foreground")
    boolean foreground;

    @Option(names = "--nbd-port", description = "NBD port (default 10809, 0 turns it off)")
    Integer nbdPort;

    @Option(names = "--http-port", description = "management HTTP port (default 8558, 0 turns it off)")
    Integer httpPort;

    /** The settings the flags give, over {@code application.conf}. */
    @Override
    public Config call() {
        Map<String, Object> m = new HashMap<>();
        String dir = store != null ? store : storeArg;
        put(m, "sheepdog.store", dir);
        put(m, "sheepdog.port", port);
        put(m, "sheepdog.bind-address", bindAddress);
        put(m, "sheepdog.advertise-address", advertise);
        put(m, "sheepdog.cluster-port", clusterPort);
        if (join != null) {
            m.put("sheepdog.join", new ArrayList<>(join));
        }
        if (nosync) {
            m.put("sheepdog.nosync", true);
        }
        put(m, "sheepdog.zone", zone);
        put(m, "sheepdog.vnodes", vnodes);
        if (gateway) {
            m.put("sheepdog.gateway", true);
        }
        put(m, "sheepdog.log-level", logLevel);
        if (cache != null) {
            if (!cache.matches("size=\\d+")) {
                throw new IllegalArgumentException("-w wants size=MIB, not '" + cache + "'");
            }
            m.put("sheepdog.object-cache.size", cache.substring(5) + "MiB");
        }
        if (recovery != null) {
            for (String part : recovery.split(",")) {
                String[] kv = part.split("=", 2);
                if (kv.length != 2 || !kv[1].matches("\\d+")) {
                    throw new IllegalArgumentException("-R wants max=N,interval=MS, not '" + recovery + "'");
                }
                switch (kv[0]) {
                    case "max" -> m.put("sheepdog.recovery.max-per-interval", Integer.parseInt(kv[1]));
                    case "interval" -> m.put("sheepdog.recovery.interval", kv[1] + "ms");
                    default -> throw new IllegalArgumentException("-R knows max and interval, not '" + kv[0] + "'");
                }
            }
        }
        put(m, "sheepdog.nbd-port", nbdPort);
        put(m, "sheepdog.http-port", httpPort);
        return ConfigFactory.parseMap(m, "command line");
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
