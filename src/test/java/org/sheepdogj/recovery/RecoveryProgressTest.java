package org.sheepdogj.recovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sheepdogj.testing.Futures.get;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.client.VdiHandle;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.testing.Ports;
import org.sheepdogj.testing.ProcessCluster;
import org.sheepdogj.testing.TestNode;

/**
 * Recovery as an operator steers it: a node joining a cluster with data recovers its share at the pace of its
 * throttle, STAT_RECOVERY shows the progress, DISABLE_RECOVER holds it, ENABLE_RECOVER and a lifted throttle let it
 * finish; a client reading through the new node meanwhile gets its data (recover on access).
 */
class RecoveryProgressTest {
    private static final int OBJECTS = 24;

    @TempDir
    Path dir;

    @Test
    void aJoiningNodeRecoversAtThePaceItIsGiven() throws Exception {
        List<TestNode> nodes = new ArrayList<>();
        int seed = Ports.free();
        try {
            for (int i = 0; i < 2; i++) {
                nodes.add(start(i, seed, 0));
            }
            TestNode.awaitMembers(nodes, 2, Duration.ofSeconds(60));
            byte[] data = new byte[OBJECTS << 22];
            new Random(5).nextBytes(data);
            try (SheepdogConnection c = nodes.get(0).connect()) {
                get(Sheepdog.format(c, 2, 0));
                get(Sheepdog.createVdi(c, "data", data.length));
                try (VdiHandle h = get(VdiHandle.open(c, "data", 0, ""))) {
                    get(h.write(0, ByteString.fromArray(data)));
                }
            }
            TestNode joiner = start(2, seed, 1);
            nodes.add(joiner);
            TestNode.awaitMembers(nodes, 3, Duration.ofSeconds(60));
            try (SheepdogConnection c = joiner.connect()) {
                ProcessCluster.await(Duration.ofSeconds(30), "recovery listed", () -> state(c).total() > 0);
                State slow = state(c);
                assertTrue(slow.inRecovery() && slow.finished() < slow.total(), "recovering slowly: " + slow);

                assertEquals(ResultCode.SUCCESS, c.execute(Request.of(RequestHeader.plain(Opcode.DISABLE_RECOVER, 0,
                        0))).result());
                try (VdiHandle h = get(VdiHandle.open(c, "data", 0, ""))) {
                    assertArrayEquals(ByteString.fromArray(data).toArray(), get(h.read(0, data.length)).toArray(),
                            "reads through the joining node get every byte");
                }
                ByteBuffer unlimited = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(ResultCode.SUCCESS, c.execute(new Request(RequestHeader.plain(Opcode.SET_RECOVERY,
                        Flags.WRITE, 24), ByteString.fromArray(unlimited.array()))).result());
                assertEquals(ResultCode.SUCCESS, c.execute(Request.of(RequestHeader.plain(Opcode.ENABLE_RECOVER, 0,
                        0))).result());
                ProcessCluster.await(Duration.ofSeconds(60), "recovery done", () -> !state(c).inRecovery());
                State done = state(c);
                assertEquals(done.total(), done.finished(), "every object recovered: " + done);
            }
            int held = joiner.node().store().objects().list().size();
            assertTrue(held >= OBJECTS / 2, "the joiner holds its share: " + held + " objects");
        } finally {
            nodes.forEach(TestNode::close);
        }
    }

    private TestNode start(int i, int seedPort, int recoveryPerSecond) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put("sheepdog.zone", i + 1);
        if (i == 0) {
            cfg.put("sheepdog.cluster-port", seedPort);
        } else {
            cfg.put("sheepdog.join", List.of("127.0.0.1:" + seedPort));
        }
        if (recoveryPerSecond > 0) {
            cfg.put("sheepdog.recovery.max-per-interval", recoveryPerSecond);
            cfg.put("sheepdog.recovery.interval", "1s");
        }
        return TestNode.start(dir.resolve("node" + i), cfg);
    }

    private record State(boolean inRecovery, long finished, long total) {
    }

    private static State state(SheepdogConnection c) {
        try {
            Response r = c.execute(Request.of(RequestHeader.plain(Opcode.STAT_RECOVERY, 0, 24)));
            ByteBuffer b = r.payload().asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            return new State(b.get(0) != 0, b.getLong(8), b.getLong(16));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
