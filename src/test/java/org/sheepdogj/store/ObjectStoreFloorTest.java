package org.sheepdogj.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.testing.Tmpfs;

/**
 * While a node has no room set aside for its records, writes of objects leave the last MiBs of the disk free
 * ({@link ObjectStore#keepFree}), also when many run at once: each holds the room it may take until it returns
 * (before, each compared its size with the same free space, and writes started together went past the floor).
 */
class ObjectStoreFloorTest {
    private static final int MIB = 1 << 20;
    private static final int WRITERS = 8;
    /** Large enough that a write outlasts the slices of time the scheduler gives the writers on a few cores. */
    private static final int OBJECT = 64 * MIB;

    @TempDir
    Path dir;

    @Test
    void writesStartedTogetherLeaveTheFloorFree() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(dir.resolve("disk"), 1024);
             ObjectStore store = new ObjectStore(disk.path().resolve("obj"), true, 16)) {
            long floor = 4 * MIB;
            store.keepFree(floor);
            disk.fill(floor + 2 * OBJECT + 2 * MIB);
            byte[] data = new byte[OBJECT];
            new Random(5).nextBytes(data);

            CyclicBarrier start = new CyclicBarrier(WRITERS);
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            List<Future<StoreException>> results = new ArrayList<>();
            try {
                for (int i = 0; i < WRITERS; i++) {
                    long oid = 0x0100000000000000L | i;
                    results.add(pool.submit(() -> {
                        start.await();
                        try {
                            store.create(oid, OBJECT, 0, ByteString.fromArray(data));
                            return null;
                        } catch (StoreException e) {
                            return e;
                        }
                    }));
                }
                int written = 0;
                for (Future<StoreException> r : results) {
                    StoreException refused = r.get();
                    if (refused == null) {
                        written++;
                    } else {
                        assertEquals(ResultCode.name(ResultCode.NO_SPACE), ResultCode.name(refused.result()));
                        assertNull(refused.getCause(), "refused before it wrote, not by the full disk: " + refused);
                    }
                }
                // a write that has landed but not yet returned is counted twice, so one may be refused near the floor
                assertTrue(written == 1 || written == 2, written + " written: room over the floor for two");
                assertTrue(store.space().free() >= floor,
                        "free " + store.space().free() + " bytes, the floor " + floor);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
