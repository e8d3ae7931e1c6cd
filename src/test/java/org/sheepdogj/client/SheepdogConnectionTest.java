package org.sheepdogj.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sheepdogj.testing.Futures.get;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.testing.TestNode;

/**
 * The client connection against a real node over TCP: answers read by the caller's thread (as QEMU's event loop
 * reads them), many requests in flight, payloads sent whole, and a node that hangs up.
 */
class SheepdogConnectionTest {
    @TempDir
    Path dir;
    private TestNode node;

    @BeforeEach
    void formatted() throws Exception {
        node = TestNode.start(dir);
        try (SheepdogConnection c = node.connect()) {
            get(Sheepdog.format(c, 1, 0));
            get(Sheepdog.createVdi(c, "disk", 64 << 20));
        }
    }

    @AfterEach
    void stop() {
        node.close();
    }

    /** A connection whose answers the test's thread reads. */
    private SheepdogConnection driven() throws IOException {
        return SheepdogConnection.drivenByCaller("127.0.0.1", node.port());
    }

    private static byte[] randomBytes(int length, int seed) {
        byte[] data = new byte[length];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }

    @Test
    void answersAreReadAndCompletedOnTheCallersThread() throws Exception {
        try (SheepdogConnection c = driven()) {
            VdiHandle vdi = c.await(VdiHandle.open(c, "disk", 0, ""));
            byte[] data = randomBytes(1 << 20, 7);
            Set<String> completedOn = ConcurrentHashMap.newKeySet();
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                writes.add(vdi.write((long) i << 20, ByteString.fromArrayUnsafe(data))
                        .thenRun(() -> completedOn.add(Thread.currentThread().getName())).toCompletableFuture());
            }
            assertTrue(writes.stream().noneMatch(CompletableFuture::isDone), "nothing completes until answers are read");
            for (CompletableFuture<Void> w : writes) {
                c.await(w);
            }
            assertEquals(Set.of(Thread.currentThread().getName()), completedOn);
            for (int i = 0; i < 16; i++) {
                assertEquals(ByteString.fromArrayUnsafe(data), c.await(vdi.read((long) i << 20, 1 << 20)),
                        "MiB " + i);
            }
            c.await(vdi.closeAsync());
        }
    }

    @Test
    void readsLandInTheCallersBufferAcrossObjectsAndHoles() throws Exception {
        try (SheepdogConnection c = driven()) {
            VdiHandle vdi = c.await(VdiHandle.open(c, "disk", 0, ""));
            byte[] data = randomBytes(3 << 20, 11);
            long start = (4L << 20) - (1 << 20);
            c.await(vdi.write(start, ByteString.fromArrayUnsafe(data)));
            byte[] expected = new byte[6 << 20];
            System.arraycopy(data, 0, expected, 0, data.length);
            RequestChannel wholeAnswers = c::submit;
            VdiHandle copying = c.await(VdiHandle.open(wholeAnswers, "disk", 0, ""));
            for (VdiHandle h : List.of(vdi, copying)) {
                ByteBuffer into = ByteBuffer.allocateDirect(expected.length + 100);
                while (into.hasRemaining()) {
                    into.put((byte) 0x5a);
                }
                into.position(100);
                c.await(h.read(start, into));
                assertEquals(100, into.position(), "the buffer's position stays");
                byte[] got = new byte[expected.length];
                into.get(got);
                assertArrayEquals(expected, got, "from the object's middle, over a boundary, into a hole");
            }
            c.await(vdi.closeAsync());
        }
    }

    @Test
    @Timeout(60)
    void writesLeaveFromTheCallersBufferWithinAnObjectAndFromACopyElsewhere() throws Exception {
        try (SheepdogConnection c = driven()) {
            VdiHandle vdi = c.await(VdiHandle.open(c, "disk", 0, ""));
            c.await(vdi.write(0, ByteString.fromArrayUnsafe(new byte[4 << 20])));
            RequestChannel wholeRequests = c::submit;
            VdiHandle copying = c.await(VdiHandle.open(wholeRequests, "disk", 0, ""));
            int length = 512 << 10;
            byte[] expected = new byte[13 << 20];
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            // Within object 0, over the boundary into a new object 1, within new objects; none overlaps another.
            long[][] offsets = {{4096, (4 << 20) - (256 << 10), (8 << 20) + 4096}, {(1 << 20) + 8192,
                (2 << 20) + 8192, 12 << 20}};
            List<VdiHandle> handles = List.of(vdi, copying);
            for (int i = 0; i < handles.size(); i++) {
                for (long offset : offsets[i]) {
                    byte[] data = randomBytes(length, (int) offset);
                    System.arraycopy(data, 0, expected, (int) offset, length);
                    writes.add(handles.get(i).write(offset, ByteBuffer.allocateDirect(length).put(data).flip(), false)
                            .toCompletableFuture());
                }
            }
            byte[] data = randomBytes(length, 3);
            System.arraycopy(data, 0, expected, 3 << 20, length);
            ByteBuffer from = ByteBuffer.allocateDirect(length + 100).position(100).put(data).position(100);
            ByteBuffer before = from.duplicate();
            writes.add(vdi.write(3 << 20, from, false).toCompletableFuture());
            assertEquals(before, from, "the buffer's position and limit stay");
            for (CompletableFuture<Void> w : writes) {
                c.await(w);
            }
            assertEquals(before, from, "the buffer's position and limit stay once it is sent");
            VdiHandle reader = c.await(VdiHandle.open(c, "disk", 0, ""));
            assertArrayEquals(expected, c.await(reader.read(0, expected.length)).toArray(),
                    "within one object, over a boundary, into new objects");
            c.await(vdi.closeAsync());
        }
    }

    @Test
    void anAnswerLongerThanItsBufferFailsTheConnection() throws Exception {
        try (SheepdogConnection c = driven()) {
            VdiHandle vdi = c.await(VdiHandle.open(c, "disk", 0, ""));
            c.await(vdi.write(0, ByteString.fromArrayUnsafe(new byte[8192])));
            RequestHeader read = RequestHeader.obj(Opcode.READ_OBJ, 0, 0, 8192, Oid.vidToDataOid(vdi.vid(), 0), 0, 0,
                    0);
            CompletableFuture<Response> answer = c.submit(Request.of(read), ByteBuffer.allocate(4096))
                    .toCompletableFuture();
            assertThrows(IOException.class, () -> c.await(answer));
            assertFalse(c.isOpen());
        }
    }

    @Test
    void executeReadsItsOwnAnswerWithoutAReaderThread() throws Exception {
        try (SheepdogConnection c = driven()) {
            Response defaults = c.execute(Request.of(RequestHeader.plain(Opcode.GET_CLUSTER_DEFAULT, 0, 0)));
            assertTrue(defaults.ok(), "GET_CLUSTER_DEFAULT answered " + defaults.result());
        }
    }

    @Test
    void onlyADrivenConnectionLetsTheCallerReadAnswers() throws Exception {
        try (SheepdogConnection c = node.connect()) {
            assertThrows(IllegalStateException.class, c::awaitAnswer);
        }
    }

    @Test
    void aNodeThatHangsUpFailsWhatIsInFlight() throws Exception {
        try (SheepdogConnection c = driven()) {
            RequestHeader absurd = RequestHeader.obj(Opcode.WRITE_OBJ, Flags.WRITE, 1, -1, Oid.vidToDataOid(1, 0), 0,
                    0, 0);
            CompletableFuture<Response> answer = c.submit(new Request(absurd, ByteString.emptyByteString()))
                    .toCompletableFuture();
            assertThrows(IOException.class, c::awaitAnswer, "closed or reset by the node");
            assertTrue(answer.isCompletedExceptionally());
            assertThrows(IOException.class, c::awaitAnswer, "a failed connection stays failed");
        }
    }
}
