package org.sheepdogj.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;

/**
 * Several nodes, each a JVM process on loopback with a store of its own and a zone of its own (nodes on one address
 * would otherwise share a zone, and a cluster of one zone keeps one copy).
 */
public final class ProcessCluster implements AutoCloseable {
    private final List<NodeProcess> nodes = new ArrayList<>();

    public ProcessCluster(Path dir, int size) {
        this(dir, size, false);
    }

    /** With {@code http}, each node also serves management HTTP on a free port of its own. */
    public ProcessCluster(Path dir, int size, boolean http) {
        for (int i = 0; i < size; i++) {
            List<String> args = new ArrayList<>(List.of("-z", String.valueOf(i + 1)));
            if (i > 0) {
                args.addAll(List.of("--join", "127.0.0.1:" + nodes.get(0).clusterPort()));
            }
            NodeProcess p = new NodeProcess(dir.resolve("node" + i), Ports.free(), Ports.free(),
                    http ? Ports.free() : 0, args);
            nodes.add(p);
        }
    }

    /** Starts the first node, then the others (joining it), and waits until all are members of one cluster. */
    public ProcessCluster start() {
        nodes.get(0).start();
        for (int i = 1; i < nodes.size(); i++) {
            nodes.get(i).start();
        }
        awaitMembers(nodes, Duration.ofSeconds(90));
        return this;
    }

    /** JVM options for every node (see {@link NodeProcess#withJvmOptions}); call before {@link #start()}. */
    public ProcessCluster withJvmOptions(List<String> options) {
        nodes.forEach(n -> n.withJvmOptions(options));
        return this;
    }

    public NodeProcess node(int i) {
        return nodes.get(i);
    }

    public List<NodeProcess> alive() {
        return nodes.stream().filter(NodeProcess::isAlive).toList();
    }

    /** The members as a node lists them (GET_NODE_LIST), and the epoch of its answer. */
    public static Members members(NodeProcess n) throws IOException {
        try (SheepdogConnection c = n.connect()) {
            Response r = c.execute(Request.of(RequestHeader.plain(Opcode.GET_NODE_LIST, 0, 80 * 1024)));
            return new Members(r.header().epoch(), SdNode.decodeAll(r.payload().asByteBuffer(), r.header().nrNodes()));
        }
    }

    public record Members(int epoch, List<SdNode> nodes) {
        public List<Integer> ports() {
            return nodes.stream().map(s -> s.nid().port()).toList();
        }
    }

    /**
     * Waits until every node of {@code expected} lists exactly them, in one epoch. On a timeout the message says what
     * each node listed last and ends with its log's last lines.
     */
    public static void awaitMembers(List<NodeProcess> expected, Duration timeout) {
        Set<Integer> ports = new HashSet<>();
        expected.forEach(n -> ports.add(n.port()));
        Map<Integer, String> views = new TreeMap<>();
        await(timeout, () -> "members " + ports + "; last listed " + views + logTails(expected), () -> {
            Set<Integer> epochs = new HashSet<>();
            boolean all = true;
            for (NodeProcess n : expected) {
                try {
                    Members m = members(n);
                    views.put(n.port(), m.ports() + " at epoch " + m.epoch());
                    all &= new HashSet<>(m.ports()).equals(ports);
                    epochs.add(m.epoch());
                } catch (IOException | UncheckedIOException e) {
                    views.put(n.port(), e.toString());
                    all = false;
                }
            }
            return all && epochs.size() == 1;
        });
    }

    private static String logTails(List<NodeProcess> nodes) {
        StringBuilder out = new StringBuilder();
        for (NodeProcess n : nodes) {
            out.append("\n--- last lines of ").append(n.log()).append(" ---\n").append(n.logTail(20));
        }
        return out.toString();
    }

    /** STAT_CLUSTER answers SUCCESS on every node of {@code nodes}. */
    public static void awaitRunning(List<NodeProcess> nodes, Duration timeout) {
        await(timeout, "cluster running", () -> {
            for (NodeProcess n : nodes) {
                try (SheepdogConnection c = n.connect()) {
                    Response r = c.execute(Request.of(RequestHeader.cluster(Opcode.STAT_CLUSTER, 0, 48, 0, 0, 0, 0,
                            0, 0)));
                    if (r.result() != ResultCode.SUCCESS) {
                        return false;
                    }
                } catch (IOException e) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Which nodes hold each live object (GET_OBJ_LIST of every node), by object id. */
    public static Map<Long, List<Integer>> holders(List<NodeProcess> nodes) throws IOException {
        Map<Long, List<Integer>> out = new HashMap<>();
        for (NodeProcess n : nodes) {
            try (SheepdogConnection c = n.connect()) {
                Response r = c.execute(Request.of(RequestHeader.plain(Opcode.GET_OBJ_LIST, 0, 32 << 20)));
                ByteBuffer b = r.payload().asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i + 8 <= b.limit(); i += 8) {
                    out.computeIfAbsent(b.getLong(i), k -> new ArrayList<>()).add(n.port());
                }
            }
        }
        return out;
    }

    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        await(timeout, () -> what, condition);
    }

    /** As {@link #await(Duration, String, BooleanSupplier)}, with {@code what} told at the timeout, from its state. */
    public static void await(Duration timeout, Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            NodeProcess.sleep(250);
        }
        throw new AssertionError("timed out waiting for " + what.get());
    }

    @Override
    public void close() {
        nodes.forEach(NodeProcess::close);
    }
}
