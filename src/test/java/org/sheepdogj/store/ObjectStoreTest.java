package org.sheepdogj.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.protocol.ResultCode;

/** The plain store on a real file system. */
class ObjectStoreTest {
    @TempDir
    Path dir;

    @Test
    void objectsAreSparseFilesNamedBySheepsHexId() throws Exception {
        try (ObjectStore s = new ObjectStore(dir, true, 8)) {
            byte[] data = new byte[4096];
            Arrays.fill(data, (byte) 7);
            s.create(0x0015d16700000001L, 4 << 20, 8192, ByteString.fromArray(data));
            Path file = dir.resolve("0015d16700000001");
            assertTrue(Files.isRegularFile(file));
            assertEquals(4 << 20, Files.size(file));
            long used = diskBytes(file);
            assertTrue(used < 1 << 20, "zero regions take no disk: " + used + " bytes");
            byte[] back = s.read(0x0015d16700000001L, 8192 - 16, 4096 + 32).toArray();
            assertArrayEquals(new byte[16], Arrays.copyOfRange(back, 0, 16));
            assertArrayEquals(data, Arrays.copyOfRange(back, 16, 16 + 4096));
        }
    }

    /** What the file takes on disk: st_blocks, which Java does not expose. */
    private static long diskBytes(Path file) throws Exception {
        Process p = new ProcessBuilder("stat", "--format=%b %B", file.toString()).start();
        String[] out = new String(p.getInputStream().readAllBytes()).trim().split(" ");
        assertEquals(0, p.waitFor());
        return Long.parseLong(out[0]) * Long.parseLong(out[1]);
    }

    @Test
    void aLargeReadIsWholeAndReadsZerosPastTheEndOfTheFile() throws Exception {
        try (ObjectStore s = new ObjectStore(dir, true, 8)) {
            byte[] data = new byte[300_000];
            new SplittableRandom(5).nextBytes(data);
            s.create(2, data.length, 0, ByteString.fromArray(data));
            assertArrayEquals(Arrays.copyOfRange(data, 7, data.length), s.read(2, 7, data.length - 7).toArray(),
                    "a read longer than one array, from an odd offset");
            byte[] beyond = s.read(2, 100_000, 400_000).toArray();
            assertArrayEquals(Arrays.copyOfRange(data, 100_000, data.length), Arrays.copyOf(beyond, 200_000));
            assertArrayEquals(new byte[200_000], Arrays.copyOfRange(beyond, 200_000, 400_000), "zeros past the end");
        }
    }

    @Test
    void largeWritesOfManyPiecesLandWhereTheyWereAimed() throws Exception {
        try (ObjectStore s = new ObjectStore(dir, true, 8)) {
            SplittableRandom random = new SplittableRandom(11);
            byte[] expected = new byte[1 << 20];
            random.nextBytes(expected);
            s.create(3, expected.length, 0, ByteString.fromArray(expected));
            assertArrayEquals(expected, s.read(3, 0, expected.length).toArray(), "a whole object written by create");

            byte[] source = new byte[400_000];
            random.nextBytes(source);
            ByteString pieces = ByteString.fromArrayUnsafe(source, 3, 100_000)
                    .concat(ByteString.fromArrayUnsafe(source, 100_003, 70_001))
                    .concat(ByteString.fromArrayUnsafe(source, 170_004, 1))
                    .concat(ByteString.fromArrayUnsafe(source, 170_005, 200_000));
            s.write(3, 12_345, pieces);
            System.arraycopy(pieces.toArray(), 0, expected, 12_345, pieces.size());
            s.zero(3, 500_001, 300_000);
            Arrays.fill(expected, 500_001, 800_001, (byte) 0);
            assertArrayEquals(expected, s.read(3, 0, expected.length).toArray(),
                    "pieces from inside larger arrays, each longer or shorter than one write to the file, then zeros");
        }
    }

    @Test
    void readsFromTheMappedFileSeeEveryWriteReplacementAndGrowth() {
        try (ObjectStore s = new ObjectStore(dir, true, 8)) {
            SplittableRandom random = new SplittableRandom(13);
            byte[] expected = new byte[256 << 10];
            random.nextBytes(expected);
            s.create(4, expected.length, 0, ByteString.fromArray(expected));
            assertArrayEquals(Arrays.copyOfRange(expected, 1000, 201_000), s.read(4, 1000, 200_000).toArray());

            byte[] patch = new byte[5000];
            random.nextBytes(patch);
            s.write(4, 70_000, ByteString.fromArray(patch));
            System.arraycopy(patch, 0, expected, 70_000, patch.length);
            assertArrayEquals(expected, s.read(4, 0, expected.length).toArray(), "a write made after the first read");

            byte[] tail = new byte[20];
            random.nextBytes(tail);
            s.write(4, expected.length - 10, ByteString.fromArray(tail));
            byte[] grown = s.read(4, expected.length - 100, 200).toArray();
            assertArrayEquals(Arrays.copyOfRange(expected, expected.length - 100, expected.length - 10),
                    Arrays.copyOf(grown, 90));
            assertArrayEquals(tail, Arrays.copyOfRange(grown, 90, 110), "written past the length first read");
            assertArrayEquals(new byte[90], Arrays.copyOfRange(grown, 110, 200));

            s.create(4, 1024, 0, ByteString.fromArray(new byte[] {9, 9, 9}));
            assertArrayEquals(new byte[] {9, 9, 9, 0}, s.read(4, 0, 4).toArray(), "the replaced file, not the old");
            assertArrayEquals(new byte[10], s.read(4, 2000, 10).toArray(), "past the end of the smaller file");
        }
    }

    @Test
    void theMappingsOfEvictedObjectsAreReleasedAtOnce() throws Exception {
        try (ObjectStore s = new ObjectStore(dir, false, 2)) {
            for (long oid = 1; oid <= 40; oid++) {
                s.create(oid, 64 << 10, 0, ByteString.fromArray(new byte[] {(byte) oid}));
                assertEquals((byte) oid, s.read(oid, 0, 1).toArray()[0]);
            }
            String objects = dir.toString() + "/";
            long mapped = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                    .filter(line -> line.contains(objects)).count();
            assertTrue(mapped <= 2, mapped + " object files still mapped with room for 2 open ones");
        }
    }

    @Test
    void concurrentReadersAndEvictionsRaceWithoutHarm() throws Exception {
        int objects = 16;
        int objectSize = 128 << 10;
        try (ObjectStore s = new ObjectStore(dir, false, 2)) {
            for (int oid = 1; oid <= objects; oid++) {
                byte[] content = new byte[objectSize];
                Arrays.fill(content, (byte) oid);
                s.create(oid, objectSize, 0, ByteString.fromArray(content));
            }
            ExecutorService readers = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    SplittableRandom random = new SplittableRandom(100 + t);
                    done.add(readers.submit(() -> {
                        for (int i = 0; i < 3000; i++) {
                            int oid = 1 + random.nextInt(objects);
                            int length = 1 + random.nextInt(100_000);
                            byte[] got = s.read(oid, random.nextInt(objectSize - length), length).toArray();
                            byte[] want = new byte[length];
                            Arrays.fill(want, (byte) oid);
                            assertArrayEquals(want, got, "object " + oid);
                        }
                        return 3000;
                    }));
                }
                for (Future<Integer> f : done) {
                    assertEquals(3000, f.get());
                }
            } finally {
                readers.shutdownNow();
            }
        }
    }

    @Test
    void writesNeedAnExistingObject() {
        try (ObjectStore s = new ObjectStore(dir, true, 8)) {
            StoreException e = assertThrows(StoreException.class, () -> s.write(42, 0, ByteString.fromArray(new byte[1])));
            assertEquals(ResultCode.NO_OBJ, e.result());
            assertThrows(StoreException.class, () -> s.read(42, 0, 1));
        }
    }

    @Test
    void createReplacesAWholeObjectAtomically() {
        try (ObjectStore s = new ObjectStore(dir, true, 8)) {
            s.create(1, 1024, 0, ByteString.fromArray(new byte[] {1, 2, 3}));
            s.read(1, 0, 3);
            s.create(1, 1024, 10, ByteString.fromArray(new byte[] {9}));
            assertArrayEquals(new byte[] {0, 0, 0}, s.read(1, 0, 3).toArray(), "the old content is gone");
            assertArrayEquals(new byte[] {9}, s.read(1, 10, 1).toArray());
        }
    }

    @Test
    void leftoverTemporaryFilesOfACrashAreRemoved() throws Exception {
        Files.createDirectories(dir);
        Files.write(dir.resolve("0000000000000001.1234.tmp"), new byte[100]);
        try (ObjectStore s = new ObjectStore(dir, true, 8)) {
            assertEquals(List.of(), s.list());
            assertFalse(Files.exists(dir.resolve("0000000000000001.1234.tmp")));
        }
    }

    @Test
    void unsyncedWritesAreSyncedByTheFlushOfTheirVdi() {
        try (ObjectStore s = new ObjectStore(dir, true, 8)) {
            long a = 0x0000000100000000L;
            long b = 0x0000000200000000L;
            s.create(a, 4096, 0, ByteString.fromArray(new byte[] {1}), false);
            s.create(b, 4096, 0, ByteString.fromArray(new byte[] {2}));
            s.write(b, 1, ByteString.fromArray(new byte[] {3}), false);
            s.write(a, 1, ByteString.fromArray(new byte[] {4}), false);
            assertArrayEquals(new byte[] {1, 4}, s.read(a, 0, 2).toArray(), "readable before the flush");
            assertEquals(1, s.flush(2), "only the flushed VDI's object");
            assertEquals(0, s.flush(2));
            assertEquals(1, s.flush(-1));
            assertEquals(0, s.flush(-1));
        }
    }

    @Test
    void removeListAndHash() {
        try (ObjectStore s = new ObjectStore(dir, false, 2)) {
            for (long oid = 1; oid <= 5; oid++) {
                s.create(oid, 64, 0, ByteString.fromArray(new byte[] {(byte) oid}));
                s.read(oid, 0, 1);
            }
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), s.list());
            assertTrue(s.remove(3));
            assertFalse(s.remove(3));
            assertEquals(List.of(1L, 2L, 4L, 5L), s.list());
            byte[] live = s.sha1(1, 0);
            assertEquals(20, live.length);
            s.moveToStale(1, 3);
            assertArrayEquals(live, s.sha1(1, 3), "without a live object, the hash of its copy set aside at epoch 3");
            assertEquals(ResultCode.NO_OBJ, assertThrows(StoreException.class, () -> s.sha1(1, 2)).result(),
                    "no copy of epoch 2");
            s.wipe();
            assertEquals(List.of(), s.list());
        }
    }
}
