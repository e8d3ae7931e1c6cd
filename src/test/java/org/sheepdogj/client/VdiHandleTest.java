package org.sheepdogj.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sheepdogj.testing.Futures.get;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.testing.TestNode;

/**
 * An open VDI whose objects many writes reach at once, as an NBD export's do, while another client takes snapshots
 * of it ({@code dog vdi snapshot}): the writes that meet a snapshot are turned away (READONLY) and copied on write to
 * the new working VDI. Every acknowledged write must be in the working VDI afterwards.
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
            try (SheepdogConnection c = node.connect()) {
                get(Sheepdog.format(c, 1, 0));
                get(Sheepdog.createVdi(c, "disk", SIZE));
            }
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
