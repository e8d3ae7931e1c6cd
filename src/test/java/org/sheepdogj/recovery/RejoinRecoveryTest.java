package org.sheepdogj.recovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sheepdogj.testing.Futures.get;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.pekko.util.ByteString;
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
import org.sheepdogj.testing.NodeProcess;
import org.sheepdogj.testing.ProcessCluster;

/**
 * A node back from a restart has set aside everything it held, since it cannot know what it missed. Of those copies,
 * the ones whose hash is the live copy's are read from its own disk, and only the objects written while it was down
 * are fetched, as sheep does; either way each copy it ends with is the other node's. The epoch without it is
 * gathered before it is back (the other node holds everything), and its copies stay until the epoch it joined is.
 */
class RejoinRecoveryTest {
    private static final int MIB = 1 << 20;
    private static final Pattern DONE = Pattern.compile(
            "recovery of epoch \\d+ done: (\\d+) object\\(s\\) recovered \\((\\d+) from copies set aside here");

    @TempDir
    Path dir;

    @Test
    void aRestartedNodeFetchesOnlyWhatChangedWhileItWasDown() throws Exception {
        try (ProcessCluster cluster = new ProcessCluster(dir, 2).start()) {
            NodeProcess first = cluster.node(0);
            NodeProcess second = cluster.node(1);
            Matcher done = restartSecond(cluster, 2, new byte[16 * MIB], 17, h ->
                    get(h.write(4096, ByteString.fromArray(new byte[4096]))));
            int recovered = Integer.parseInt(done.group(1));
            int kept = Integer.parseInt(done.group(2));
            assertTrue(kept >= 3, "the three data objects not written meanwhile are its own copies: " + done.group());
            assertTrue(recovered - kept >= 1, "the one written meanwhile is fetched: " + done.group());
            int vid;
            try (SheepdogConnection c = first.connect()) {
                vid = get(Sheepdog.vdiInfo(c, "disk", "", 0));
            }
            for (int i = 0; i < 4; i++) {
                long oid = Oid.vidToDataOid(vid, i);
                assertArrayEquals(hash(first, oid), hash(second, oid), "object " + i + " alike on both nodes");
            }
        }
    }

    /**
     * With one copy, the objects of a node that is down are nowhere else: the other node recovers nothing, and the
     * epoch without it is gathered at once. When the node is back, the copies it set aside are still the only ones:
     * they must serve as sources until the epoch it joined is gathered (before, the gathered epoch removed them as
     * soon as they were set aside, and the objects were lost).
     */
    @Test
    void withOneCopyTheObjectsOfANodeBackFromARestartAreKept() throws Exception {
        byte[] data = new byte[32 * MIB];
        try (ProcessCluster cluster = new ProcessCluster(dir, 2).start()) {
            restartSecond(cluster, 1, data, 19, null);
            for (NodeProcess n : List.of(cluster.node(0), cluster.node(1))) {
                try (SheepdogConnection c = n.connect(); VdiHandle h = get(VdiHandle.open(c, "disk", 0, ""))) {
                    assertArrayEquals(data, get(h.read(0, data.length)).toArray(),
                            "every byte reads back through node " + n.port());
                }
            }
        }
    }

    private interface WhileDown {
        void write(VdiHandle disk) throws Exception;
    }

    /**
     * Formats with {@code copies}, writes {@code data} (filled from {@code seed}) at the start of VDI "disk", stops the
     * second node, writes {@code whileDown} through the first (if any: with one copy the VDI may not open meanwhile),
     * starts the second again and waits for its recovery.
     */
    private static Matcher restartSecond(ProcessCluster cluster, int copies, byte[] data, int seed, WhileDown whileDown)
            throws Exception {
        NodeProcess first = cluster.node(0);
        NodeProcess second = cluster.node(1);
        new Random(seed).nextBytes(data);
        try (SheepdogConnection c = first.connect()) {
            get(Sheepdog.format(c, copies, 0));
            get(Sheepdog.createVdi(c, "disk", 64 * MIB));
            try (VdiHandle h = get(VdiHandle.open(c, "disk", 0, ""))) {
                get(h.write(0, ByteString.fromArray(data)));
            }
        }
        second.close();
        ProcessCluster.awaitMembers(List.of(first), Duration.ofSeconds(60));
        if (whileDown != null) {
            try (SheepdogConnection c = first.connect(); VdiHandle h = get(VdiHandle.open(c, "disk", 0, ""))) {
                whileDown.write(h);
            }
        }
        long logged = Files.size(second.log());
        second.start();
        ProcessCluster.awaitMembers(List.of(first, second), Duration.ofSeconds(60));
        Matcher done = DONE.matcher("");
        ProcessCluster.await(Duration.ofSeconds(60), () -> "its recovery:\n" + second.logTail(20),
                () -> done.reset(since(second, logged)).find());
        return done;
    }

    private static String since(NodeProcess node, long offset) {
        try {
            return node.logSince(offset);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hash(NodeProcess node, long oid) throws IOException {
        try (SheepdogConnection c = node.connect()) {
            Response r = c.execute(Request.of(RequestHeader.obj(Opcode.GET_HASH, 0, 0, 0, oid, 0, 0, 0)));
            assertEquals(ResultCode.SUCCESS, r.result(), "GET_HASH " + Oid.hex(oid) + " on " + node.port());
            return r.header().digest();
        }
    }
}
