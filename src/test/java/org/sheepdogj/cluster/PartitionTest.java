package org.sheepdogj.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sheepdogj.testing.Futures.get;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.client.SheepdogException;
import org.sheepdogj.client.VdiHandle;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.testing.ManagementHttp;
import org.sheepdogj.testing.NodeProcess;
import org.sheepdogj.testing.Ports;
import org.sheepdogj.testing.ProcessCluster;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A node cut off from the others (frozen with SIGSTOP while clients write through it and through the majority): the
 * majority goes on without it, the isolated node acknowledges nothing more, leaves when it wakes, and after it comes
 * back no acknowledged write is lost or changed.
 */
class PartitionTest {
    private static final int SLOT = 32 * 1024;
    private static final long VDI_SIZE = 256L << 20;

    @TempDir
    Path dir;

    @Test
    void minoritySideStopsAcknowledgingAndNothingAcknowledgedIsLost() throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(dir, 3).start()) {
            try (SheepdogConnection c = cluster.node(0).connect()) {
                get(Sheepdog.format(c, 3, 0));
                get(Sheepdog.createVdi(c, "majority", VDI_SIZE));
                get(Sheepdog.createVdi(c, "minority", VDI_SIZE));
            }
            ProcessCluster.awaitRunning(cluster.alive(), Duration.ofSeconds(60));
            NodeProcess isolated = cluster.node(2);
            Writer viaMajority = new Writer(cluster.node(0), "majority");
            Writer viaIsolated = new Writer(isolated, "minority");
            viaMajority.start();
            viaIsolated.start();
            viaMajority.awaitAcked(100);
            viaIsolated.awaitAcked(100);

            isolated.signal("STOP");
            List<NodeProcess> majority = List.of(cluster.node(0), cluster.node(1));
            ProcessCluster.awaitMembers(majority, Duration.ofSeconds(90));
            int before = viaMajority.acked.size();
            viaMajority.awaitAcked(before + 100);

            isolated.signal("CONT");
            ProcessCluster.await(Duration.ofSeconds(90), "the isolated node to leave",
                    () -> !isolated.isAlive());
            int isolatedAcks = viaIsolated.acked.size();
            viaMajority.awaitAcked(viaMajority.acked.size() + 50);
            assertEquals(isolatedAcks, viaIsolated.acked.size(), "the isolated node acknowledges nothing more");
            viaMajority.stop();
            viaIsolated.stop();

            isolated.start();
            ProcessCluster.awaitMembers(cluster.alive(), Duration.ofSeconds(90));
            for (NodeProcess n : cluster.alive()) {
                viaMajority.verify(n);
                viaIsolated.verify(n);
            }
            System.out.printf("partition: %d writes acknowledged by the majority, %d by the isolated node before "
                    + "it was cut off%n", viaMajority.acked.size(), viaIsolated.acked.size());
        }
    }

    /**
     * A node that joins while a member is cut off cannot be Up in Pekko until that member is back or downed, and until
     * then the split-brain resolver does not count it. Listed as a member before that (holding replicas), it made the
     * nodes that survived a kill of the first node down themselves. The resolver is slowed here so that the cut-off
     * member is neither downed nor back while the joining node waits, longer than Pekko's 7 s for WeaklyUp. Woken,
     * the cut-off member must not mark the others unreachable for having heard nothing while it was frozen: with
     * Pekko's failure detector it did, and the resolver could then down it with the nodes that had seen it frozen.
     */
    @Test
    void aNodeJoiningWhileAMemberIsCutOffIsListedOnlyOnceUp() throws Exception {
        List<String> slowResolver = List.of("-Dpekko.cluster.split-brain-resolver.stable-after=120s");
        try (ProcessCluster cluster = new ProcessCluster(dir, 3, true).withJvmOptions(slowResolver).start()) {
            NodeProcess first = cluster.node(0);
            try (SheepdogConnection c = first.connect()) {
                get(Sheepdog.format(c, 2, 0));
            }
            ProcessCluster.awaitRunning(cluster.alive(), Duration.ofSeconds(60));
            ManagementHttp http = new ManagementHttp(first.httpPort());
            NodeProcess cutOff = cluster.node(2);
            cutOff.signal("STOP");
            ProcessCluster.await(Duration.ofSeconds(60), "the frozen node unreachable",
                    () -> http.json("/cluster/members").get("unreachable").size() == 1);

            try (NodeProcess joining = new NodeProcess(dir.resolve("joining"), Ports.free(), Ports.free(),
                    List.of("-z", "4", "--join", "127.0.0.1:" + first.clusterPort())).withJvmOptions(slowResolver)) {
                joining.start();
                String address = "pekko://sheepdog@127.0.0.1:" + joining.clusterPort();
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                Set<String> statuses = new HashSet<>();
                while (System.nanoTime() < until) {
                    List<Integer> listed = ProcessCluster.members(first).ports();
                    String status = pekkoStatus(http, address);
                    statuses.add(status);
                    assertFalse(listed.contains(joining.port()), "listed " + listed + " with the joining node "
                            + status + " in Pekko while a member is cut off");
                    Thread.sleep(250);
                }
                assertTrue(statuses.contains("Joining"), "Pekko saw the node join: " + statuses);

                long logBeforeWaking = Files.size(cutOff.log());
                cutOff.signal("CONT");
                List<NodeProcess> all = List.of(first, cluster.node(1), cutOff, joining);
                ProcessCluster.awaitMembers(all, Duration.ofSeconds(90));
                assertEquals("Up", pekkoStatus(http, address));
                String sinceWaking = cutOff.logSince(logBeforeWaking);
                assertFalse(sinceWaking.contains("as UNREACHABLE"),
                        "the woken node marked members unreachable, having heard nothing while frozen:\n"
                                + sinceWaking);
            }
        }
    }

    /**
     * Each VDI has its actor on one node. A frozen node takes the questions sent to its actors and never answers them
     * (the cluster downs it and moves its actors), so every question is asked again, and those that change something
     * (NEW_VDI, DEL_VDI, writes to an inode) must be done once, whether or not the first try had done them.
     */
    @Test
    void vdiOperationsOnActorsOfAFrozenNodeFinishOnceTheActorsMove() throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(dir, 3, true).start()) {
            NodeProcess first = cluster.node(0);
            List<String> names = IntStream.range(0, 9).mapToObj(i -> "vm" + i).toList();
            try (SheepdogConnection c = first.connect()) {
                get(Sheepdog.format(c, 2, 0));
                for (String name : names) {
                    get(Sheepdog.createVdi(c, name, VDI_SIZE));
                }
            }
            NodeProcess frozen = cluster.node(2);
            int hosted = 0;
            for (JsonNode shard : new ManagementHttp(frozen.httpPort()).json("/cluster/shards/sheepdog-vdi")
                    .get("regions")) {
                hosted += shard.get("numEntities").asInt();
            }
            assertTrue(hosted > 0, "the node to freeze hosts VDI actors");

            try (SheepdogConnection c = first.connect()) {
                List<VdiHandle> opened = new ArrayList<>();
                for (String name : names) {
                    opened.add(get(VdiHandle.open(c, name, 0, "")));
                }
                frozen.signal("STOP");
                List<CompletableFuture<Integer>> done = opened.stream().map(h -> h.write(0,
                                ByteString.fromArrayUnsafe(content(h.name(), 0)))
                        .thenCompose(v -> h.snapshot("before"))
                        .thenCompose(snapshot -> h.closeAsync())
                        .thenCompose(v -> Sheepdog.deleteVdi(c, h.name(), "before", 0))
                        .toCompletableFuture()).toList();
                get(CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)));
                for (String name : names) {
                    try (VdiHandle h = get(VdiHandle.open(c, name, 0, ""))) {
                        assertArrayEquals(content(name, 0), get(h.read(0, SLOT)).toArray(), name);
                    }
                    Exception gone = assertThrows(Exception.class, () -> get(Sheepdog.vdiInfo(c, name, "before", 0)));
                    assertEquals(ResultCode.NO_TAG, SheepdogException.resultOf(gone), name + "'s deleted snapshot");
                }
            }
            System.out.printf("frozen node: %d of %d VDI actors on it, every operation done%n", hosted,
                    names.size());
        }
    }

    /** The member's status as Pekko Management reports it, or "absent". */
    private static String pekkoStatus(ManagementHttp http, String address) {
        for (JsonNode m : http.json("/cluster/members").get("members")) {
            if (m.get("node").asText().equals(address)) {
                return m.get("status").asText();
            }
        }
        return "absent";
    }

    private static byte[] content(String vdi, int slot) {
        byte[] b = new byte[SLOT];
        new Random(vdi.hashCode() * 131L + slot).nextBytes(b);
        return b;
    }

    /** Writes distinct slots of one VDI through one node and remembers which were acknowledged. */
    private static final class Writer {
        final Set<Integer> acked = ConcurrentHashMap.newKeySet();
        private final NodeProcess node;
        private final String vdi;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Semaphore inFlight = new Semaphore(4);
        private Thread thread;

        Writer(NodeProcess node, String vdi) {
            this.node = node;
            this.vdi = vdi;
        }

        void start() {
            thread = new Thread(this::run, "writer-" + vdi);
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            int slots = (int) (VDI_SIZE / SLOT);
            try (SheepdogConnection c = node.connect(); VdiHandle h = get(VdiHandle.open(c, vdi, 0, ""))) {
                for (int i = 0; i < slots && !stop.get(); i++) {
                    int slot = (int) ((i * 2654435761L) % slots);
                    if (!inFlight.tryAcquire(1, TimeUnit.SECONDS)) {
                        i--;
                        continue;
                    }
                    h.write((long) slot * SLOT, ByteString.fromArrayUnsafe(content(vdi, slot))).whenComplete(
                            (v, e) -> {
                                if (e == null) {
                                    acked.add(slot);
                                }
                                inFlight.release();
                            });
                }
            } catch (Exception e) {
                // the isolated node's connection goes when it leaves; what it acknowledged is checked later
            }
        }

        void awaitAcked(int n) {
            ProcessCluster.await(Duration.ofSeconds(120), n + " acknowledged writes to " + vdi,
                    () -> acked.size() >= n);
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }

        void verify(NodeProcess through) throws Exception {
            Set<Integer> slots = new HashSet<>(acked);
            try (SheepdogConnection c = through.connect(); VdiHandle h = get(VdiHandle.open(c, vdi, 0, ""))) {
                for (int slot : slots) {
                    assertArrayEquals(content(vdi, slot), get(h.read((long) slot * SLOT, SLOT)).toArray(),
                            vdi + " slot " + slot + " through node " + through.port());
                }
            }
            assertTrue(!slots.isEmpty());
        }
    }
}
