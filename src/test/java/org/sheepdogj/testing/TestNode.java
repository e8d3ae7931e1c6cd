package org.sheepdogj.testing;

import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.node.NodeSettings;
import org.sheepdogj.node.SheepNode;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** A node started inside the test's JVM, on loopback ports of its own, with a real store directory. */
public final class TestNode implements AutoCloseable {
    private final SheepNode node;
    private final int port;

    private TestNode(SheepNode node, int port) {
        this.node = node;
        this.port = port;
    }

    public static TestNode start(Path store) {
        return start(store, Map.of());
    }

    public static TestNode start(Path store, Map<String, Object> extra) {
        int port = (Integer) extra.getOrDefault("sheepdog.port", Ports.free());
        Map<String, Object> m = new HashMap<>();
        m.put("sheepdog.store", store.toString());
        m.put("sheepdog.port", port);
        m.put("sheepdog.bind-address", "127.0.0.1");
        m.put("sheepdog.cluster-port", Ports.free());
        m.put("sheepdog.join", List.of());
        m.put("sheepdog.nbd-port", 0);
        m.put("sheepdog.http-port", 0);
        m.putAll(extra);
        Config config = ConfigFactory.parseMap(m).withFallback(ConfigFactory.load()).resolve();
        SheepNode node = SheepNode.start(NodeSettings.from(config), config);
        return new TestNode(node, port);
    }

    public SheepNode node() {
        return node;
    }

    public int port() {
        return port;
    }

    public SheepdogConnection connect() {
        try {
            return new SheepdogConnection("127.0.0.1", port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until each of {@code nodes} has {@code count} members in its cluster view; says what each has if not. */
    public static void awaitMembers(List<TestNode> nodes, int count, Duration timeout) {
        ProcessCluster.await(timeout, () -> count + " members; each node's view: "
                + nodes.stream().map(t -> t.port() + "=" + t.memberCount()).toList(),
                () -> nodes.stream().allMatch(t -> t.memberCount() == count));
    }

    private int memberCount() {
        return node.clusterState().current().nodes().size();
    }

    @Override
    public void close() {
        node.stop(0, Duration.ZERO);
        node.terminated().join();
    }
}
