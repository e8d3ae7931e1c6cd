package org.sheepdogj.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.sheepdogj.testing.Futures.get;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.testing.TestNode;

/**
 * An open VDI whose objects many writes reach at once, as an NBD export's do: every acknowledged write must be found
 * by the next open, when another client takes snapshots meanwhile ({@code dog vdi snapshot}: the writes that meet
 * one are turned away, READONLY, and copied on write to the new working VDI), and when the write that created an
 * object never recorded it in the inode.
 */
class VdiHandleTest {
    private static final int BLOCK = 4096;
    private static final long SIZE = 16L << 20;
    private static final int BLOCKS = 2048;
    private static final int ROUNDS = 6;
    private static final int WRITES = 64;

    @TempDir
    Path dir;

    @Test
    void writesInFlightWhenAnotherClientTakesASnapshotAreAllKept() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            createDisk(node);
            byte[] last = new byte[BLOCKS];
            SplittableRandom random = new SplittableRandom(3);
            try (SheepdogConnection writer = node.connect(); SheepdogConnection other = node.connect();
                 VdiHandle h = get(VdiHandle.open(writer, "disk", 0, ""))) {
                get(h.write(0, ByteString.fromArrayUnsafe(new byte[BLOCKS * BLOCK])));
                for (int round = 1; round <= ROUNDS; round++) {
                    List<CompletableFuture<Void>> writes = new ArrayList<>();
                    CompletableFuture<Integer> snapshot = null;
                    boolean[] taken = new boolean[BLOCKS];
                    for (int i = 0; i < WRITES; i++) {
                        if (i == WRITES / 4) {
                            snapshot = snapshotAsDogDoes(other);
                        }
                        int block = random.nextInt(BLOCKS);
                        if (taken[block]) {
                            continue;
                        }
                        taken[block] = true;
                        last[block] = (byte) round;
                        writes.add(h.write((long) block * BLOCK, filled(round)).toCompletableFuture());
                    }
                    get(CompletableFuture.allOf(writes.toArray(new CompletableFuture[0])));
                    get(snapshot);
                }
            }
            try (SheepdogConnection c = node.connect(); VdiHandle h = get(VdiHandle.open(c, "disk", 0, ""))) {
                byte[] image = get(h.read(0, BLOCKS * BLOCK)).toArray();
                int wrong = 0;
                for (int b = 0; b < BLOCKS; b++) {
                    byte[] block = Arrays.copyOfRange(image, b * BLOCK, (b + 1) * BLOCK);
                    if (!Arrays.equals(filled(last[b]).toArray(), block)) {
                        wrong++;
                    }
                }
                assertEquals(0, wrong, "blocks of the working VDI without their last acknowledged write");
            }
        }
    }

    /**
     * A write into an object that another write is creating is acknowledged only once the inode names the object:
     * were the creator's index write lost (its gateway died before sending it), the object would hold an acknowledged
     * write that no inode names, and the next open would not find it.
     */
    @Test
    void aWriteIsAcknowledgedOnlyOnceTheInodeNamesItsObject() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            createDisk(node);
            try (SheepdogConnection c = node.connect()) {
                IndexWriteHeld channel = new IndexWriteHeld(c);
                try (VdiHandle h = get(VdiHandle.open(channel, "disk", 0, ""))) {
                    CompletableFuture<Void> creating = h.write(0, filled(1)).toCompletableFuture();
                    get(channel.reached);
                    CompletableFuture<Void> next = h.write(BLOCK, filled(2)).toCompletableFuture();
                    channel.lose();
                    assertThrows(ExecutionException.class, () -> get(creating));
                    get(next);
                }
            }
            assertBlock(node, 1, 2);
        }
    }

    /**
     * Another client takes a snapshot between the creation of an object and its index write: the node refuses the
     * snapshot's index (READONLY), and the entry goes to the new working VDI, which the write belongs to.
     */
    @Test
    void anObjectCreatedJustBeforeASnapshotIsRecordedInTheWorkingVdi() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            createDisk(node);
            snapshotBeforeTheIndexWriteOf(node, h -> h.write(0, filled(1)));
            assertBlock(node, 0, 1);
        }
    }

    /**
     * Another client takes a snapshot while a discard's index write is on its way: the snapshot keeps the object it
     * was taken with, and the discard zeroes the new working VDI's entry instead.
     */
    @Test
    void aDiscardThatMeetsASnapshotLeavesTheSnapshotWhole() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            createDisk(node);
            try (SheepdogConnection c = node.connect(); VdiHandle h = get(VdiHandle.open(c, "disk", 0, ""))) {
                get(h.write(0, filled(1)));
            }
            snapshotBeforeTheIndexWriteOf(node, h -> h.discard(0, h.objectSize()));
            assertBlock(node, 0, 0);
            try (SheepdogConnection c = node.connect(); VdiHandle snapshot = get(VdiHandle.open(c, "disk", 1, ""))) {
                assertArrayEquals(filled(1).toArray(), get(snapshot.read(0, BLOCK)).toArray(),
                        "the snapshot's block, written before it was taken");
            }
        }
    }

    /**
     * Runs {@code operation} on the working VDI, whose index write is held back until another client has taken a
     * snapshot, and waits for it.
     */
    private static void snapshotBeforeTheIndexWriteOf(TestNode node,
                                                      Function<VdiHandle, CompletionStage<Void>> operation)
            throws Exception {
        try (SheepdogConnection c = node.connect(); SheepdogConnection other = node.connect()) {
            IndexWriteHeld channel = new IndexWriteHeld(c);
            try (VdiHandle h = get(VdiHandle.open(channel, "disk", 0, ""))) {
                CompletableFuture<Void> done = operation.apply(h).toCompletableFuture();
                get(channel.reached);
                get(snapshotAsDogDoes(other));
                channel.release();
                get(done);
            }
        }
    }

    private static void createDisk(TestNode node) throws Exception {
        try (SheepdogConnection c = node.connect()) {
            get(Sheepdog.format(c, 1, 0));
            get(Sheepdog.createVdi(c, "disk", SIZE));
        }
    }

    /** The working VDI, opened afresh, holds {@code pattern} in {@code block} (0: zeros). */
    private static void assertBlock(TestNode node, int block, int pattern) throws Exception {
        try (SheepdogConnection c = node.connect(); VdiHandle h = get(VdiHandle.open(c, "disk", 0, ""))) {
            assertArrayEquals(filled(pattern).toArray(), get(h.read((long) block * BLOCK, BLOCK)).toArray(),
                    "block " + block + " of the working VDI, as the last acknowledged write or discard left it");
        }
    }

    /**
     * A connection that holds back the first write into an inode's index: it goes on when {@link #release}d, or never
     * leaves and fails when {@link #lose}d.
     */
    private static final class IndexWriteHeld implements RequestChannel {
        private final RequestChannel connection;
        final CompletableFuture<Void> reached = new CompletableFuture<>();
        private final CompletableFuture<Request> held = new CompletableFuture<>();
        private final CompletableFuture<Response> answer = new CompletableFuture<>();

        IndexWriteHeld(RequestChannel connection) {
            this.connection = connection;
        }

        @Override
        public CompletionStage<Response> submit(Request request) {
            RequestHeader h = request.header();
            boolean indexWrite = h.opcode() == Opcode.WRITE_OBJ && Oid.isVdiObj(h.oid())
                    && h.offset() >= Inode.HEADER_SIZE;
            if (indexWrite && held.complete(request)) {
                reached.complete(null);
                return answer;
            }
            return connection.submit(request);
        }

        void release() {
            connection.submit(held.join()).whenComplete((r, e) -> {
                if (e != null) {
                    answer.completeExceptionally(e);
                } else {
                    answer.complete(r);
                }
            });
        }

        void lose() {
            answer.complete(Response.of(ResultCode.NETWORK_ERROR));
        }
    }

    private static ByteString filled(int pattern) {
        byte[] b = new byte[BLOCK];
        Arrays.fill(b, (byte) pattern);
        return ByteString.fromArrayUnsafe(b);
    }

    /** NEW_VDI with the snapshot flag, based on the working VDI, without opening it. */
    private static CompletableFuture<Integer> snapshotAsDogDoes(SheepdogConnection c) {
        return Sheepdog.vdiInfo(c, "disk", "", 0)
                .thenCompose(vid -> Sheepdog.newVdi(c, "disk", SIZE, vid, true, 1, 22)).toCompletableFuture();
    }
}
