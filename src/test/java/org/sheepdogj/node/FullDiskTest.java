package org.sheepdogj.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sheepdogj.testing.Futures.get;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.client.SheepdogException;
import org.sheepdogj.client.VdiHandle;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;
import org.sheepdogj.testing.NodeProcess;
import org.sheepdogj.testing.ProcessCluster;
import org.sheepdogj.testing.Tmpfs;

/**
 * A node whose disk fills up (its store on a tmpfs of its own, filled to the last byte by another file): writes of
 * new objects and changes of VDIs are refused with NO_SPACE, answered at once; once space is freed, everything works
 * again and what was written before the disk filled reads back unchanged.
 */
class FullDiskTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;
    private final List<Tmpfs> disks = new ArrayList<>();

    @AfterEach
    void unmount() {
        disks.forEach(Tmpfs::close);
    }

    private Tmpfs mountDisk() {
        return mountDisk("disk");
    }

    private Tmpfs mountDisk(String name) {
        Tmpfs disk = Tmpfs.mount(dir.resolve(name));
        disks.add(disk);
        return disk;
    }

    @Test
    void aFullDiskRefusesWithNoSpaceAndWorksAgainOnceSpaceIsFreed() throws Exception {
        Tmpfs disk = mountDisk();
        try (NodeProcess node = NodeProcess.start(disk.path().resolve("store"))) {
            byte[] kept = new byte[8 * MIB];
            new Random(11).nextBytes(kept);
            try (SheepdogConnection c = node.connect()) {
                get(Sheepdog.format(c, 1, 0));
                int keptVid = get(Sheepdog.createVdi(c, "kept", 64 * MIB));
                try (VdiHandle h = get(VdiHandle.open(c, "kept", 0, ""))) {
                    get(h.write(0, ByteString.fromArray(kept)));
                }

                Path pad = disk.fill(0);
                try (VdiHandle h = get(VdiHandle.open(c, "kept", 0, ""))) {
                    assertNoSpace(() -> get(h.write(16 * MIB, ByteString.fromArray(new byte[4096]))));
                }
                assertNoSpace(() -> get(Sheepdog.createVdi(c, "new", 16 * MIB)));
                assertNoSpace(() -> get(Sheepdog.newVdi(c, "kept", 64 * MIB, keptVid, true, 0, 22)));
                assertTrue(node.isAlive(), "the node runs on with a full disk");

                Files.delete(pad);
                get(Sheepdog.createVdi(c, "new", 16 * MIB));
                try (VdiHandle h = get(VdiHandle.open(c, "new", 0, ""))) {
                    get(h.write(4 * MIB, ByteString.fromArray(kept, 0, MIB)));
                    assertArrayEquals(ByteString.fromArray(kept, 0, MIB).toArray(),
                            get(h.read(4 * MIB, MIB)).toArray());
                }
                get(Sheepdog.newVdi(c, "kept", 64 * MIB, keptVid, true, 0, 22));
                try (VdiHandle h = get(VdiHandle.open(c, "kept", 0, ""))) {
                    assertArrayEquals(kept, get(h.read(0, kept.length)).toArray(),
                            "what was written before the disk filled reads back unchanged");
                }
            }
        }
    }

    /**
     * A node joins with too little space for the objects it now owns (vnodes are fixed, so its share does not follow
     * its space): their recovery fails, and is tried again until
     * space is freed. Before, the node declared its recovery done, the epoch was gathered, and the only copies, set
     * aside on the node that had them, were deleted.
     */
    @Test
    void aNodeJoiningWithAFullDiskRecoversOnceSpaceIsFreed() throws Exception {
        byte[] data = new byte[32 * MIB];
        new Random(13).nextBytes(data);
        Tmpfs disk = mountDisk();
        try (NodeProcess first = NodeProcess.start(dir.resolve("first"), "-z", "1", "-V", "128")) {
            try (SheepdogConnection c = first.connect()) {
                get(Sheepdog.format(c, 1, 0, 0));
                get(Sheepdog.createVdi(c, "data", data.length));
                try (VdiHandle h = get(VdiHandle.open(c, "data", 0, ""))) {
                    get(h.write(0, ByteString.fromArray(data)));
                }
            }
            Path pad = disk.fill(2 * MIB);
            try (NodeProcess joiner = NodeProcess.start(disk.path().resolve("store"), "-z", "2", "-V", "128", "--join",
                    "127.0.0.1:" + first.clusterPort())) {
                ProcessCluster.await(Duration.ofSeconds(90), () -> "a failed recovery:\n" + joiner.logTail(20),
                        () -> joiner.logTail(200).contains("cannot recover object"));
                Files.delete(pad);
                ProcessCluster.await(Duration.ofSeconds(90), () -> "recovery done:\n" + joiner.logTail(20),
                        () -> joiner.logTail(200).contains("recovery of epoch 2 done"));
                for (NodeProcess n : List.of(first, joiner)) {
                    try (SheepdogConnection c = n.connect();
                         VdiHandle h = get(VdiHandle.open(c, "data", 0, ""))) {
                        assertArrayEquals(data, get(h.read(0, data.length)).toArray(),
                                "every byte reads back through node " + n.port());
                    }
                }
            }
        }
    }

    /**
     * With auto vnodes a node's share of the ring follows the space it offered when it first ran, as sheep keeps it:
     * restarted with its disk full, it keeps its share (before, it offered the space free at each start, none, lost
     * its share to the others, and its objects moved away to disks that were as full).
     */
    @Test
    void aNodeRestartedWithAFullDiskKeepsItsShareOfTheRing() throws Exception {
        Tmpfs firstDisk = mountDisk("first");
        Tmpfs secondDisk = mountDisk("second");
        try (NodeProcess first = NodeProcess.start(firstDisk.path().resolve("store"), "-z", "1");
             NodeProcess second = joinAndFormat(first, secondDisk.path().resolve("store"))) {
            Map<Integer, Integer> shares = vnodes(second);
            assertTrue(shares.get(first.port()) > 64, "disks of one size, shares alike: " + shares);

            // what is left is room for the node's records of epochs, not for objects
            Path pad = firstDisk.fill(MIB);
            first.close();
            ProcessCluster.awaitMembers(List.of(second), Duration.ofSeconds(60));
            first.start();
            ProcessCluster.awaitMembers(List.of(first, second), Duration.ofSeconds(60));
            assertEquals(shares, vnodes(second), "each node's share, before and after the restart on a full disk");
            Files.delete(pad);
        }
    }

    /**
     * A node whose disk another program fills to the last byte still follows the cluster's changes of membership: it
     * records each epoch in room it set aside when it started (before, it could not record the epoch, stayed in the
     * old one, and the cluster went on without it), and a client's writes meanwhile do not take what is left of that
     * room (before, they filled it, and the next epoch could not be recorded).
     */
    @Test
    void aNodeWithAFullDiskFollowsTheChangesOfMembership() throws Exception {
        Tmpfs firstDisk = mountDisk("first");
        try (NodeProcess first = NodeProcess.start(firstDisk.path().resolve("store"), "-z", "1");
             NodeProcess second = joinAndFormat(first, dir.resolve("second"))) {
            Path pad = firstDisk.fill(0);
            second.close();
            ProcessCluster.awaitMembers(List.of(first), Duration.ofSeconds(60));
            try (SheepdogConnection c = first.connect()) {
                assertNoSpace(() -> writeAVdiToTheEnd(c));
            }
            second.start();
            ProcessCluster.awaitMembers(List.of(first, second), Duration.ofSeconds(60));
            int epoch = ProcessCluster.members(first).epoch();
            assertTrue(epoch >= 3, "the epochs of the leave and of the join, recorded: epoch " + epoch);
            assertFalse(first.logTail(400).contains("cannot apply epoch"), first.logTail(20));
            Files.delete(pad);
        }
    }

    /** Creates a VDI of 16 MiB and writes it 1 MiB at a time, to the end. */
    private static void writeAVdiToTheEnd(SheepdogConnection c) throws Exception {
        get(Sheepdog.createVdi(c, "late", 16 * MIB));
        byte[] block = new byte[MIB];
        new Random(17).nextBytes(block);
        try (VdiHandle h = get(VdiHandle.open(c, "late", 0, ""))) {
            for (int at = 0; at < 16 * MIB; at += MIB) {
                get(h.write(at, ByteString.fromArray(block)));
            }
        }
    }

    /** A second node (zone 2) on {@code store} joining {@code first}, their cluster formatted with one copy. */
    private static NodeProcess joinAndFormat(NodeProcess first, Path store) throws Exception {
        NodeProcess second = NodeProcess.start(store, "-z", "2", "--join", "127.0.0.1:" + first.clusterPort());
        try {
            ProcessCluster.awaitMembers(List.of(first, second), Duration.ofSeconds(60));
            try (SheepdogConnection c = first.connect()) {
                get(Sheepdog.format(c, 1, 0));
            }
            return second;
        } catch (Exception | AssertionError e) {
            second.close();
            throw e;
        }
    }

    /** Each member's vnodes by port, as {@code node} lists them. */
    private static Map<Integer, Integer> vnodes(NodeProcess node) {
        try {
            return ProcessCluster.members(node).nodes().stream()
                    .collect(Collectors.toMap(n -> n.nid().port(), SdNode::nrVnodes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void assertNoSpace(Call call) {
        ExecutionException e = assertThrows(ExecutionException.class, call::run);
        assertTrue(e.getCause() instanceof SheepdogException, e.toString());
        assertEquals(ResultCode.name(ResultCode.NO_SPACE),
                ResultCode.name(((SheepdogException) e.getCause()).result()), e.getCause().getMessage());
    }
}
