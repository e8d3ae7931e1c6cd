package org.sheepdogj.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sheepdogj.testing.Futures.get;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.client.VdiHandle;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.testing.ManagementHttp;
import org.sheepdogj.testing.Ports;
import org.sheepdogj.testing.ProcessCluster;
import org.sheepdogj.testing.TestNode;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The node's MBean read through the platform MBean server, beside Pekko's cluster MBean, with nodes running in this
 * JVM: store usage, requests in flight (one held back deliberately), and a recovery seen while it is paused, then
 * when it is done; the same recovery through {@code /v1/recovery} and the metrics.
 */
class NodeMBeanTest {
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void storeUsageAndRequestsInFlight() throws Exception {
        ObjectName name;
        try (TestNode node = TestNode.start(dir.resolve("a"));
             SheepdogConnection c = node.connect()) {
            name = NodeBean.name(node.port());
            get(Sheepdog.format(c, 1, 0));
            assertEquals("127.0.0.1:" + node.port(), attr(name, "Address"));
            assertEquals(1, (int) attr(name, "Epoch"));
            assertEquals("running", attr(name, "ClusterStatus"));
            long size = attr(name, "StoreSize");
            long used = attr(name, "StoreUsed");
            assertTrue(size > 0 && (long) attr(name, "StoreFree") > 0, "store " + size);
            assertTrue(used > 0 && used <= size, "used " + used + " of " + size);
            ProcessCluster.await(WAIT, "the connection counted", () -> (long) attr(name, "Connections") >= 1);

            long served = attr(name, "RequestsServed");
            get(Sheepdog.createVdi(c, "disk", 1L << 30));
            assertTrue((long) attr(name, "RequestsServed") > served);

            // a peer request from an epoch this node has not reached waits for it: in flight until it gives up
            RequestHeader ahead = RequestHeader.obj(Opcode.READ_PEER, 0, 0, 4096, Oid.vidToDataOid(1, 0), 0, 1, 0)
                    .withEpoch(2);
            CompletionStage<Response> held = c.submit(Request.of(ahead));
            ProcessCluster.await(WAIT, "one request in flight", () -> (long) attr(name, "RequestsInFlight") == 1);
            assertEquals(4096L, (long) attr(name, "BytesInFlight"));
            assertEquals(ResultCode.NEW_NODE_VER, get(held).result());
            ProcessCluster.await(WAIT, "no request in flight", () -> (long) attr(name, "RequestsInFlight") == 0);
            assertEquals(0L, (long) attr(name, "BytesInFlight"));

            assertEquals("idle", attr(name, "RecoveryPhase"));
            assertEquals(0L, (long) attr(name, "RecoveryObjectsLeft"));

            ObjectName cluster = new ObjectName("pekko:type=Cluster,port=" + node.node().settings().clusterPort());
            assertEquals("Up", attr(cluster, "MemberStatus"));
            assertTrue(((String) attr(cluster, "Members")).contains("127.0.0.1:" + node.node().settings()
                    .clusterPort()));
        }
        assertFalse(JMX.isRegistered(name), "unregistered when the node stops");
    }

    @Test
    void recoveryWhilePausedAndWhenDone() throws Exception {
        int httpA = Ports.free();
        int httpB = Ports.free();
        try (TestNode a = TestNode.start(dir.resolve("a"), Map.of("sheepdog.zone", 1, "sheepdog.http-port", httpA));
             SheepdogConnection c = a.connect()) {
            // two copies, but one zone: each object has one copy until a node of another zone joins
            get(Sheepdog.format(c, 2, 0));
            get(Sheepdog.createVdi(c, "disk", 1L << 30));
            try (VdiHandle disk = get(VdiHandle.open(c, "disk", 0, ""))) {
                for (int i = 0; i < 8; i++) {
                    get(disk.write((long) i << 22, DemoCluster.pattern(4096, i)));
                }
            }
            assertEquals(ResultCode.SUCCESS, c.execute(Request.of(RequestHeader.plain(Opcode.DISABLE_RECOVER, 0, 0)))
                    .result());

            try (TestNode b = TestNode.start(dir.resolve("b"), Map.of("sheepdog.zone", 2, "sheepdog.http-port", httpB,
                    "sheepdog.join", List.of("127.0.0.1:" + a.node().settings().clusterPort())))) {
                ObjectName bean = NodeBean.name(b.port());
                ProcessCluster.await(WAIT, "recovery of the new node paused",
                        () -> "paused".equals(attr(bean, "RecoveryPhase")));
                long left = attr(bean, "RecoveryObjectsLeft");
                assertTrue(left >= 8, "the 8 data objects and the VDI's own are B's to recover: " + left);
                assertTrue((long) attr(bean, "RecoveryObjectsTotal") >= left);
                assertEquals(2, (int) attr(bean, "RecoveryEpoch"));
                assertTrue(new ManagementHttp(httpB).metrics().value("sheepdog_recovery_objects_left") > 0);

                ManagementHttp http = new ManagementHttp(httpA);
                ProcessCluster.await(WAIT, "B paused in /v1/recovery", () -> {
                    JsonNode nodes = http.json("/v1/recovery").get("nodes");
                    return nodes.size() == 2 && "paused".equals(phase(nodes, b));
                });
                JsonNode nodes = http.json("/v1/recovery").get("nodes");
                JsonNode paused = state(nodes, b);
                assertTrue(paused.get("left").asLong() > 0, paused.toString());
                assertEquals(2, paused.get("epoch").asInt());
                assertEquals(0, state(nodes, a).get("left").asLong(), "A holds every object already: " + nodes);

                assertEquals(ResultCode.SUCCESS, c.execute(Request.of(RequestHeader.plain(Opcode.ENABLE_RECOVER, 0,
                        0))).result());
                ProcessCluster.await(WAIT, "recovery done", () -> "idle".equals(attr(bean, "RecoveryPhase")));
                assertEquals(0L, (long) attr(bean, "RecoveryObjectsLeft"));
                long total = attr(bean, "RecoveryObjectsTotal");
                assertTrue(total >= 8, "recovered " + total);
                assertEquals(total, (long) attr(bean, "RecoveryObjectsDone"));
                JsonNode done = state(http.json("/v1/recovery").get("nodes"), b);
                assertEquals("idle", done.get("phase").asText());
                assertEquals(total, done.get("done").asLong());
                assertEquals(0, new ManagementHttp(httpB).metrics().value("sheepdog_recovery_objects_left"));
            }
        }
    }

    private static String phase(JsonNode nodes, TestNode n) {
        JsonNode s = state(nodes, n);
        return s == null ? null : s.get("phase").asText();
    }

    private static JsonNode state(JsonNode nodes, TestNode n) {
        for (JsonNode node : nodes) {
            if (node.get("address").asText().equals("127.0.0.1:" + n.port())) {
                return node.get("state");
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static <T> T attr(ObjectName name, String attribute) {
        try {
            return (T) JMX.getAttribute(name, attribute);
        } catch (Exception e) {
            throw new AssertionError(name + " " + attribute + ": " + e, e);
        }
    }
}
