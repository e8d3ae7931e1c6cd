package org.sheepdogj.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sheepdogj.testing.Futures.get;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.client.SheepdogException;
import org.sheepdogj.client.VdiHandle;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.testing.NodeProcess;

/**
 * The seed's walkthrough, end to end over TCP with the project's client library, against a node in its own process:
 * a 256 GiB VDI written far apart, a snapshot, a write after it, a clone of the snapshot and a copy-on-write into the
 * clone; then the node is shut down and started again, then killed with SIGKILL and started again, and every byte
 * still reads back.
 */
class WalkthroughTest {
    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    @Test
    void walkthroughSurvivesCleanRestartAndKill9() throws Exception {
        try (NodeProcess node = NodeProcess.start(dir.resolve("store"))) {
            try (SheepdogConnection c = node.connect()) {
                get(Sheepdog.format(c, 1, 0));
                get(Sheepdog.createVdi(c, "Alice", 256 * GIB));
                try (VdiHandle alice = get(VdiHandle.open(c, "Alice", 0, ""))) {
                    assertEquals(256 * GIB, alice.size());
                    get(alice.write(0, pattern(0x5a, 64 * 1024)));
                    get(alice.write(100 * MIB - 2048, pattern(0xa5, 4096)));
                    get(alice.write(200 * GIB, pattern(0x3c, 1 << 20)));
                    assertArrayEquals(bytes(0x5a, 64 * 1024), read(alice, 0, 64 * 1024));
                    assertArrayEquals(bytes(0xa5, 4096), read(alice, 100 * MIB - 2048, 4096));
                    assertArrayEquals(bytes(0x3c, 1 << 20), read(alice, 200 * GIB, 1 << 20));
                    assertArrayEquals(new byte[4096], read(alice, 50 * GIB, 4096));
                    get(alice.write(64 * 1024 - 4096, pattern(0x5b, 4096), false));
                    get(alice.flush());
                    get(alice.write(64 * 1024 - 4096, pattern(0x5a, 4096), false));
                    get(alice.flush());

                    int snapshotVid = get(alice.snapshot("snap1"));
                    assertTrue(snapshotVid != alice.vid(), "the working VDI moves to a new id");
                    get(alice.write(0, pattern(0x77, 4096)));
                }
                get(Sheepdog.clone(c, "Alice", 1, "", "Charlie"));
                try (VdiHandle charlie = get(VdiHandle.open(c, "Charlie", 0, ""))) {
                    get(charlie.write(100 * MIB, pattern(0x11, 4096)));
                }
            }
            verify(node);

            try (SheepdogConnection c = node.connect()) {
                Response r = c.execute(Request.of(RequestHeader.plain(Opcode.SHUTDOWN, 0, 0)));
                assertEquals(ResultCode.SUCCESS, r.result());
            }
            assertEquals(0, node.awaitExit(Duration.ofSeconds(60)), "exit status after SHUTDOWN");
            node.start();
            awaitRunning(node);
            verify(node);

            node.kill9();
            node.start();
            awaitRunning(node);
            verify(node);
        }
    }

    /** What the walkthrough wrote, read back through fresh handles. */
    private static void verify(NodeProcess node) throws Exception {
        try (SheepdogConnection c = node.connect()) {
            try (VdiHandle alice = get(VdiHandle.open(c, "Alice", 0, ""))) {
                byte[] head = read(alice, 0, 64 * 1024);
                assertArrayEquals(bytes(0x77, 4096), Arrays.copyOfRange(head, 0, 4096), "write after the snapshot");
                assertArrayEquals(bytes(0x5a, 60 * 1024), Arrays.copyOfRange(head, 4096, 64 * 1024));
                assertArrayEquals(bytes(0xa5, 4096), read(alice, 100 * MIB - 2048, 4096));
                assertArrayEquals(bytes(0x3c, 1 << 20), read(alice, 200 * GIB, 1 << 20));
            }
            try (VdiHandle snap = get(VdiHandle.open(c, "Alice", 1, ""))) {
                assertTrue(snap.isReadOnly());
                assertArrayEquals(bytes(0x5a, 64 * 1024), read(snap, 0, 64 * 1024), "the snapshot keeps old bytes");
                assertArrayEquals(bytes(0xa5, 2048), read(snap, 100 * MIB - 2048, 2048));
                assertArrayEquals(bytes(0x3c, 1 << 20), read(snap, 200 * GIB, 1 << 20));
                int err = SheepdogException.resultOf(catchFailure(snap.write(0, pattern(1, 512))));
                assertEquals(ResultCode.READONLY, err, "a snapshot refuses writes");
            }
            try (VdiHandle snapByTag = get(VdiHandle.open(c, "Alice", 0, "snap1"))) {
                assertArrayEquals(bytes(0x5a, 4096), read(snapByTag, 0, 4096));
            }
            try (VdiHandle charlie = get(VdiHandle.open(c, "Charlie", 0, ""))) {
                assertArrayEquals(bytes(0x5a, 64 * 1024), read(charlie, 0, 64 * 1024), "the clone sees the snapshot");
                byte[] cow = read(charlie, 100 * MIB - 2048, 8192);
                assertArrayEquals(bytes(0xa5, 2048), Arrays.copyOfRange(cow, 0, 2048));
                assertArrayEquals(bytes(0x11, 4096), Arrays.copyOfRange(cow, 2048, 6144), "copy-on-write in clone");
                assertArrayEquals(new byte[2048], Arrays.copyOfRange(cow, 6144, 8192));
            }
            try (VdiHandle snap = get(VdiHandle.open(c, "Alice", 1, ""))) {
                assertArrayEquals(bytes(0xa5, 2048), read(snap, 100 * MIB, 2048), "the clone's write left it alone");
            }
        }
    }

    private static void awaitRunning(NodeProcess node) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            try (SheepdogConnection c = node.connect()) {
                last = c.execute(Request.of(RequestHeader.cluster(Opcode.STAT_CLUSTER, 0, 48, 0, 0, 0, 0, 0, 0)))
                        .result();
                if (last == ResultCode.SUCCESS) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("cluster not running after restart: " + ResultCode.name(last));
    }

    private static byte[] read(VdiHandle h, long offset, int length) throws Exception {
        return get(h.read(offset, length)).toArray();
    }

    private static ByteString pattern(int b, int length) {
        return ByteString.fromArrayUnsafe(bytes(b, length));
    }

    private static byte[] bytes(int b, int length) {
        byte[] out = new byte[length];
        Arrays.fill(out, (byte) b);
        return out;
    }

    private static Throwable catchFailure(CompletionStage<?> f) {
        try {
            f.toCompletableFuture().get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }
}
