package org.sheepdogj.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sheepdogj.testing.Futures.get;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.client.SheepdogException;
import org.sheepdogj.client.VdiHandle;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;
import org.sheepdogj.testing.Ports;
import org.sheepdogj.testing.TestNode;

/**
 * Placement in a running cluster: a gateway node (-g) stores nothing and still serves; a VDI's own copy count
 * ({@code vdi create -c}) overrides the cluster's; and every object sits on the nodes the ring names, in distinct
 * zones. Formatted again while running ({@code dog cluster format}), the cluster starts afresh with the new copy count:
 * the format restarts the epoch history at 1, the number the cluster was at, and each node lists its objects for that
 * epoch anew (before, no node did, and every request waited for that listing until it timed out).
 */
class GatewayAndCopiesTest {
    @TempDir
    Path dir;

    @Test
    void gatewayStoresNothingAndEachVdiKeepsItsCopies() throws Exception {
        List<TestNode> nodes = new ArrayList<>();
        try {
            int seedPort = Ports.free();
            for (int i = 0; i < 4; i++) {
                Map<String, Object> cfg = new HashMap<>();
                cfg.put("sheepdog.zone", i + 1);
                if (i == 0) {
                    cfg.put("sheepdog.cluster-port", seedPort);
                } else {
                    cfg.put("sheepdog.join", List.of("127.0.0.1:" + seedPort));
                }
                if (i == 3) {
                    cfg.put("sheepdog.gateway", true);
                }
                nodes.add(TestNode.start(dir.resolve("node" + i), cfg));
            }
            TestNode gateway = nodes.get(3);
            TestNode.awaitMembers(nodes, 4, Duration.ofSeconds(60));
            Map<String, Integer> copiesOf = Map.of("one", 1, "three", 3, "deflt", 0);
            byte[] data = new byte[3 << 20];
            new Random(3).nextBytes(data);
            try (SheepdogConnection c = gateway.connect()) {
                get(Sheepdog.format(c, 2, 0));
                for (Map.Entry<String, Integer> e : copiesOf.entrySet()) {
                    get(Sheepdog.newVdi(c, e.getKey(), 64 << 20, 0, false, e.getValue(), 0));
                    try (VdiHandle h = get(VdiHandle.open(c, e.getKey(), 0, ""))) {
                        get(h.write(6 << 20, ByteString.fromArray(data)));
                    }
                }
                for (String name : copiesOf.keySet()) {
                    try (VdiHandle h = get(VdiHandle.open(c, name, 0, ""))) {
                        assertArrayEquals(data, get(h.read(6 << 20, data.length)).toArray(), name);
                    }
                }
            }
            assertEquals(List.of(), gateway.node().store().objects().list(), "a gateway stores nothing");
            SdNode gatewayNode = gateway.node().clusterState().current().self();
            assertEquals(0, gatewayNode.nrVnodes());
            assertEquals(0, gatewayNode.space());

            Map<Long, List<Integer>> holders = holders(nodes);
            var view = nodes.get(0).node().clusterState().current();
            var table = nodes.get(0).node().vdis().table();
            for (Map.Entry<Long, List<Integer>> e : holders.entrySet()) {
                long oid = e.getKey();
                if (!Oid.isDataObj(oid)) {
                    continue;
                }
                String name = table.get(Oid.toVid(oid)).orElseThrow().name();
                int want = copiesOf.get(name) == 0 ? 2 : copiesOf.get(name);
                assertEquals(want, e.getValue().size(), "copies of " + Oid.hex(oid) + " of " + name);
                assertEquals(want, e.getValue().stream().distinct().count(), "distinct zones");
                List<Integer> expected = view.ring().replicas(oid, want).stream().map(SdNode::zone).sorted().toList();
                assertEquals(expected, e.getValue().stream().sorted().toList(), "where the ring puts it");
            }
            assertTrue(holders.keySet().stream().filter(Oid::isDataObj).count() >= 3, "data objects were written");

            try (SheepdogConnection c = nodes.get(0).connect()) {
                Sheepdog.format(c, 3, 0).toCompletableFuture().get(30, TimeUnit.SECONDS);
                assertEquals(ResultCode.NO_VDI, SheepdogException.resultOf(assertThrows(ExecutionException.class,
                        () -> get(Sheepdog.vdiInfo(c, "one", "", 0)))), "the earlier format's VDIs are gone");
                Sheepdog.createVdi(c, "after", 64 << 20).toCompletableFuture().get(30, TimeUnit.SECONDS);
                try (VdiHandle h = get(VdiHandle.open(c, "after", 0, ""))) {
                    assertArrayEquals(new byte[4096], get(h.read(6 << 20, 4096)).toArray(), "a new VDI reads zeros");
                    get(h.write(6 << 20, ByteString.fromArray(data)));
                }
            }
            holders(nodes).forEach((oid, zones) -> {
                if (Oid.isDataObj(oid)) {
                    assertEquals(3, zones.size(), "the new format's copies of " + Oid.hex(oid));
                }
            });
        } finally {
            nodes.forEach(TestNode::close);
        }
    }

    /** The zones of the nodes holding each object. */
    private static Map<Long, List<Integer>> holders(List<TestNode> nodes) {
        Map<Long, List<Integer>> holders = new HashMap<>();
        for (TestNode n : nodes) {
            for (long oid : n.node().store().objects().list()) {
                int zone = n.node().clusterState().current().self().zone();
                holders.computeIfAbsent(oid, k -> new ArrayList<>()).add(zone);
            }
        }
        return holders;
    }
}
