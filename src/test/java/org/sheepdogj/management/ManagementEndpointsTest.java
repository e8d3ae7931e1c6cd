package org.sheepdogj.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sheepdogj.testing.Futures.get;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.client.VdiHandle;
import org.sheepdogj.testing.ManagementHttp;
import org.sheepdogj.testing.NodeProcess;
import org.sheepdogj.testing.ProcessCluster;
import org.sheepdogj.testing.PrometheusText;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The management port of a running 3-node cluster (separate processes, started from the jar): each {@code /v1}
 * document against what the cluster holds, Pekko Management's cluster routes, the Prometheus metrics moving under
 * load; and the nodes' logs, one line per event.
 */
class ManagementEndpointsTest {
    @TempDir
    static Path dir;

    static DemoCluster demo;

    @BeforeAll
    static void start() throws Exception {
        demo = new DemoCluster(dir);
    }

    @AfterAll
    static void stop() {
        demo.close();
    }

    @Test
    void everyNodeDescribesTheSameRunningCluster() {
        Set<Integer> epochs = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            JsonNode c = demo.http(i).json("/v1/cluster");
            assertEquals("running", c.get("status").asText());
            assertEquals(2, c.get("copies").asInt());
            assertEquals("plain", c.get("backend").asText());
            assertEquals(3, c.get("nodes").asInt());
            assertTrue(c.get("recoveryEnabled").asBoolean());
            assertEquals(22, c.get("blockSizeShift").asInt());
            assertTrue(c.get("formatTime").asLong() > 1_600_000_000L, c.toString());
            assertEquals("127.0.0.1:" + demo.node(i).port(), c.get("self").asText());
            epochs.add(c.get("epoch").asInt());
        }
        assertEquals(1, epochs.size(), "epochs " + epochs);
        assertTrue(epochs.iterator().next() >= 1);
    }

    @Test
    void nodesListEveryMemberWithItsZoneAndDisk() {
        JsonNode doc = demo.http(1).json("/v1/nodes");
        JsonNode nodes = doc.get("nodes");
        assertEquals(3, nodes.size());
        Map<String, Integer> zones = new HashMap<>();
        for (JsonNode n : nodes) {
            String address = n.get("address").asText();
            zones.put(address, n.get("zone").asInt());
            assertTrue(n.get("reachable").asBoolean(), n.toString());
            assertTrue(n.get("vnodes").asInt() > 0, n.toString());
            assertFalse(n.get("gateway").asBoolean());
            assertEquals(address.equals("127.0.0.1:" + demo.node(1).port()), n.get("self").asBoolean());
            JsonNode disk = n.get("disk");
            assertTrue(disk.get("size").asLong() > 0, n.toString());
            assertTrue(disk.get("free").asLong() > 0, n.toString());
            assertEquals(disk.get("size").asLong(), disk.get("used").asLong() + disk.get("free").asLong());
            assertTrue(n.get("load").get("requestsInFlight").asLong() >= 0);
            assertNotNull(n.get("io").get("writes"));
        }
        Map<String, Integer> expected = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            expected.put("127.0.0.1:" + demo.node(i).port(), i + 1);
        }
        assertEquals(expected, zones);
    }

    @Test
    void pekkoManagementListsTheClusterMembers() {
        JsonNode members = demo.http(2).json("/cluster/members").get("members");
        assertEquals(3, members.size());
        Set<String> nodes = new HashSet<>();
        for (JsonNode m : members) {
            assertEquals("Up", m.get("status").asText());
            nodes.add(m.get("node").asText());
        }
        for (int i = 0; i < 3; i++) {
            assertTrue(nodes.contains("pekko://sheepdog@127.0.0.1:" + demo.node(i).clusterPort()), nodes.toString());
        }
    }

    @Test
    void vdisShowSnapshotsAndClones() {
        JsonNode vdis = demo.http(2).json("/v1/vdis").get("vdis");
        assertEquals(List.of("Alice", "Bob"), names(vdis), "Carol was deleted");

        JsonNode alice = vdis.get(0);
        assertEquals(demo.aliceId, alice.get("working").get("id").asInt());
        assertEquals(DemoCluster.ALICE_SIZE, alice.get("working").get("size").asLong());
        assertEquals(2, alice.get("working").get("copies").asInt());
        assertEquals(demo.aliceSnapshotId, alice.get("working").get("parentId").asInt());
        assertTrue(alice.get("working").get("snapshotTime").isNull());
        assertEquals(1, alice.get("snapshots").size());
        JsonNode snap = alice.get("snapshots").get(0);
        assertEquals(demo.aliceSnapshotId, snap.get("id").asInt());
        assertEquals(1, snap.get("snapId").asInt());
        assertEquals(DemoCluster.TAG, snap.get("tag").asText());
        assertTrue(snap.get("snapshotTime").asLong() >= snap.get("createTime").asLong(), snap.toString());
        assertTrue(alice.get("clonedFrom").isNull());
        assertEquals(1, alice.get("clones").size());
        JsonNode clone = alice.get("clones").get(0);
        assertEquals("Bob", clone.get("name").asText());
        assertEquals(demo.bobId, clone.get("id").asInt());
        assertEquals(demo.aliceSnapshotId, clone.get("fromId").asInt());

        JsonNode bob = vdis.get(1);
        assertEquals(demo.bobId, bob.get("working").get("id").asInt());
        assertEquals(DemoCluster.ALICE_SIZE, bob.get("working").get("size").asLong());
        assertEquals(0, bob.get("snapshots").size());
        JsonNode from = bob.get("clonedFrom");
        assertEquals("Alice", from.get("name").asText());
        assertEquals(demo.aliceSnapshotId, from.get("id").asInt());
        assertEquals(1, from.get("snapId").asInt());
        assertEquals(DemoCluster.TAG, from.get("tag").asText());
    }

    @Test
    void recoveryShowsEveryNodeIdleOnceRecovered() {
        ManagementHttp http = demo.http(0);
        ProcessCluster.await(Duration.ofSeconds(60), "every node idle", () -> {
            JsonNode nodes = http.json("/v1/recovery").get("nodes");
            boolean idle = nodes.size() == 3;
            for (JsonNode n : nodes) {
                idle &= n.get("reachable").asBoolean() && "idle".equals(n.get("state").get("phase").asText());
            }
            return idle;
        });
        JsonNode doc = http.json("/v1/recovery");
        int epoch = doc.get("epoch").asInt();
        for (JsonNode n : doc.get("nodes")) {
            JsonNode s = n.get("state");
            assertEquals(epoch, s.get("epoch").asInt(), n.toString());
            assertEquals(0, s.get("left").asLong(), n.toString());
            assertEquals(s.get("total").asLong(), s.get("done").asLong(), n.toString());
        }
    }

    @Test
    void metricsMoveUnderLoad() throws Exception {
        int writes = 32;
        int size = 64 * 1024;
        NodeProcess gateway = demo.node(0);
        ManagementHttp http = demo.http(0);
        PrometheusText before = http.metrics();
        double peerWritesBefore = peerWrites();
        JsonNode ioBefore = self(demo.http(1).json("/v1/nodes"), gateway).get("io");

        try (SheepdogConnection c = gateway.connect(); VdiHandle alice = get(VdiHandle.open(c, "Alice", 0, ""))) {
            for (int i = 0; i < writes; i++) {
                get(alice.write((long) i * size, DemoCluster.pattern(size, i)));
            }
            for (int i = 0; i < writes; i++) {
                get(alice.read((long) i * size, size));
            }
        }
        PrometheusText after = http.metrics();

        assertEquals("counter", after.type("sheepdog_requests_total"));
        assertEquals("histogram", after.type("sheepdog_request_duration_seconds"));
        assertTrue(written(after, "sheepdog_requests_total") - written(before, "sheepdog_requests_total") >= writes);
        assertTrue(written(after, "sheepdog_request_bytes_total", "direction", "in")
                - written(before, "sheepdog_request_bytes_total", "direction", "in") >= (double) writes * size);
        assertTrue(after.sum("sheepdog_requests_total", "opcode", "READ_OBJ", "result", "SUCCESS")
                - before.sum("sheepdog_requests_total", "opcode", "READ_OBJ", "result", "SUCCESS") >= writes);
        assertTrue(after.sum("sheepdog_request_bytes_total", "opcode", "READ_OBJ", "direction", "out")
                - before.sum("sheepdog_request_bytes_total", "opcode", "READ_OBJ", "direction", "out")
                >= (double) writes * size);

        double count = after.value("sheepdog_request_duration_seconds_count", "opcode", "READ_OBJ");
        assertTrue(count - before.sum("sheepdog_request_duration_seconds_count", "opcode", "READ_OBJ") >= writes);
        assertEquals(count, after.value("sheepdog_request_duration_seconds_bucket", "opcode", "READ_OBJ",
                "le", "+Inf"));
        double previous = 0;
        for (PrometheusText.Sample b : after.find("sheepdog_request_duration_seconds_bucket", "opcode", "READ_OBJ")) {
            assertTrue(b.value() >= previous, "buckets are cumulative: " + b);
            previous = b.value();
        }
        assertTrue(after.value("sheepdog_request_duration_seconds_sum", "opcode", "READ_OBJ") > 0);

        // two copies on three nodes: every write has at least one replica on another node than the gateway
        assertTrue(peerWrites() - peerWritesBefore >= writes);

        assertEquals(3, after.value("sheepdog_cluster_nodes"));
        assertEquals(demo.http(0).json("/v1/cluster").get("epoch").asInt(), after.value("sheepdog_cluster_epoch"));
        assertEquals(0, after.value("sheepdog_recovery_objects_left"));
        assertTrue(after.value("sheepdog_store_size_bytes") > 0);
        assertTrue(after.value("sheepdog_store_free_bytes") > 0);
        assertTrue(after.value("sheepdog_requests_in_flight") >= 0);
        assertTrue(after.value("sheepdog_connections") >= 0);
        assertTrue(after.sum("jvm_memory_used_bytes", "area", "heap") > 0, "JVM metrics");
        assertTrue(after.value("jvm_threads_current") > 0, "JVM metrics");

        JsonNode ioAfter = self(demo.http(1).json("/v1/nodes"), gateway).get("io");
        assertTrue(ioAfter.get("writes").asLong() - ioBefore.get("writes").asLong() >= writes);
        assertTrue(ioAfter.get("reads").asLong() - ioBefore.get("reads").asLong() >= writes);
        assertTrue(ioAfter.get("writeBytes").asLong() - ioBefore.get("writeBytes").asLong()
                >= (long) writes * size);
        assertTrue(ioAfter.get("readBytes").asLong() - ioBefore.get("readBytes").asLong() >= (long) writes * size);
    }

    @Test
    void eventsReachTheNodesLogs() {
        ProcessCluster.await(Duration.ofSeconds(60), "the events of the format and the VDIs in the logs", () -> {
            StringBuilder all = new StringBuilder();
            boolean recovered = true;
            for (int i = 0; i < 3; i++) {
                String log = log(demo.node(i));
                String node = "RecoveryManager: node 127.0.0.1:" + demo.node(i).port() + ": recovery of epoch 1 ";
                recovered &= log.contains(node + "starts") && log.contains(node + "done");
                all.append(log);
            }
            String text = all.toString();
            return recovered && text.contains("ClusterCoordinator: cluster: formatted with 2 copies, store plain")
                    && text.contains("VdiEntity: VDI Alice: created")
                    && text.contains("VdiEntity: VDI Alice: snapshot " + Integer.toHexString(demo.aliceSnapshotId)
                    + " (id 1, tag '" + DemoCluster.TAG + "')")
                    && text.contains("VdiEntity: VDI Carol: deleted");
        });
    }

    private static String log(NodeProcess n) {
        try {
            return Files.readString(n.log());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Peer writes the two nodes other than the gateway answered. */
    private static double peerWrites() {
        double sum = 0;
        for (int i = 1; i < 3; i++) {
            PrometheusText t = demo.http(i).metrics();
            sum += t.sum("sheepdog_requests_total", "opcode", "WRITE_PEER")
                    + t.sum("sheepdog_requests_total", "opcode", "CREATE_AND_WRITE_PEER");
        }
        return sum;
    }

    /** Client writes of either kind (a first write to an object creates it). */
    private static double written(PrometheusText t, String name, String... labels) {
        double sum = 0;
        for (String op : new String[] {"WRITE_OBJ", "CREATE_AND_WRITE_OBJ"}) {
            String[] all = new String[labels.length + 2];
            all[0] = "opcode";
            all[1] = op;
            System.arraycopy(labels, 0, all, 2, labels.length);
            sum += t.sum(name, all);
        }
        return sum;
    }

    private static JsonNode self(JsonNode nodes, NodeProcess n) {
        for (JsonNode node : nodes.get("nodes")) {
            if (node.get("address").asText().equals("127.0.0.1:" + n.port())) {
                return node;
            }
        }
        throw new AssertionError("no node " + n.port() + " in " + nodes);
    }

    private static List<String> names(JsonNode vdis) {
        return StreamSupport.stream(vdis.spliterator(), false).map(v -> v.get("name").asText())
                .toList();
    }
}
