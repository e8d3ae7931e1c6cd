package org.sheepdogj.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sheepdogj.testing.Futures.get;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.client.VdiHandle;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.testing.Ports;
import org.sheepdogj.testing.ProcessCluster;
import org.sheepdogj.testing.TestNode;

/**
 * The object cache as QEMU with cache=writeback meets it: writes land in the gateway's cache and are read back from
 * it, the replicas get them at FLUSH_VDI, GET_CACHE_INFO tells how much is dirty, what a node had not flushed
 * before it stopped is flushed when it runs again, and a format empties it.
 */
class ObjectCacheTest {
    @TempDir
    Path dir;

    private static final Map<String, Object> WITH_CACHE = Map.of("sheepdog.object-cache.size", "64MiB");

    @Test
    void writesReachTheReplicasAtFlush() throws Exception {
        try (TestNode node = TestNode.start(dir, WITH_CACHE); SheepdogConnection c = node.connect()) {
            long oid = prepare(c);
            assertEquals(ResultCode.SUCCESS, write(c, oid, 0x22).result());
            assertArrayEquals(fill(0x22), read(c, oid, Flags.CACHE), "the client reads its write from the cache");
            assertArrayEquals(fill(0x11), read(c, oid, Flags.DIRECT), "the replica has not got it yet");
            assertEquals(1, dirtyObjects(c));
            Response flush = c.execute(Request.of(RequestHeader.obj(Opcode.FLUSH_VDI, Flags.CACHE, 0, 0,
                    Oid.vidToVdiOid(Oid.toVid(oid)), 0, 0, 0).withOpcode(Opcode.FLUSH_VDI, 0)));
            assertEquals(ResultCode.SUCCESS, flush.result(), "with a cache, FLUSH_VDI flushes");
            assertArrayEquals(fill(0x22), read(c, oid, Flags.DIRECT), "the replica has it after the flush");
            assertEquals(0, dirtyObjects(c));
        }
    }

    @Test
    void whatWasNotFlushedIsFlushedAfterARestart() throws Exception {
        Map<String, Object> sameNode = new HashMap<>(WITH_CACHE);
        sameNode.put("sheepdog.port", Ports.free());
        sameNode.put("sheepdog.cluster-port", Ports.free());
        long oid;
        try (TestNode node = TestNode.start(dir, sameNode); SheepdogConnection c = node.connect()) {
            oid = prepare(c);
            assertEquals(ResultCode.SUCCESS, write(c, oid, 0x33).result());
        }
        try (TestNode node = TestNode.start(dir, sameNode); SheepdogConnection c = node.connect()) {
            ProcessCluster.await(Duration.ofSeconds(60), "the leftover flushed", () -> {
                try {
                    Response r = readObject(c, oid, Flags.DIRECT);
                    return r.ok() && Arrays.equals(fill(0x33), r.payload().toArray());
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }

    /**
     * A format empties the cache: what it held, flushed or not, is of the cluster that was. A VDI created again under
     * the same name has the same id, and so the same object ids; before, reads through the cache found the old
     * cluster's data there, and a flush wrote its dirty data into the new cluster's objects.
     */
    @Test
    void aFormatEmptiesTheCache() throws Exception {
        try (TestNode node = TestNode.start(dir, WITH_CACHE); SheepdogConnection c = node.connect()) {
            long oid = prepare(c);
            assertEquals(ResultCode.SUCCESS, write(c, oid, 0x55).result());
            assertEquals(1, dirtyObjects(c));
            get(Sheepdog.format(c, 1, 0));
            assertEquals(0, dirtyObjects(c), "nothing of the old cluster is left to flush");
            assertEquals(Oid.toVid(oid), get(Sheepdog.createVdi(c, "cached", 64 << 20)), "the same VDI id again");
            assertEquals(ResultCode.NO_OBJ, readObject(c, oid, Flags.CACHE).result(),
                    "the new VDI has no such object yet: the old cluster's data is not served");
        }
    }

    @Test
    void withoutACacheFlushIsRefusedAsBySheep() throws Exception {
        try (TestNode node = TestNode.start(dir); SheepdogConnection c = node.connect()) {
            long oid = prepare(c);
            assertEquals(ResultCode.SUCCESS, write(c, oid, 0x44).result());
            assertArrayEquals(fill(0x44), read(c, oid, Flags.DIRECT), "written through");
            Response flush = c.execute(Request.of(RequestHeader.obj(Opcode.FLUSH_VDI, Flags.CACHE, 0, 0,
                    Oid.vidToVdiOid(Oid.toVid(oid)), 0, 0, 0).withOpcode(Opcode.FLUSH_VDI, 0)));
            assertEquals(ResultCode.INVALID_PARMS, flush.result());
            assertEquals(ResultCode.NO_SUPPORT, c.execute(Request.of(RequestHeader.plain(Opcode.GET_CACHE_INFO, 0,
                    12312))).result());
        }
    }

    /** Formats, creates a VDI and writes its first object (0x11), durably; returns the object's id. */
    private static long prepare(SheepdogConnection c) throws Exception {
        get(Sheepdog.format(c, 1, 0));
        get(Sheepdog.createVdi(c, "cached", 64 << 20));
        try (VdiHandle h = get(VdiHandle.open(c, "cached", 0, ""))) {
            get(h.write(0, ByteString.fromArray(fill(0x11))));
            return Oid.vidToDataOid(h.vid(), 0);
        }
    }

    private static Response write(SheepdogConnection c, long oid, int b) throws IOException {
        RequestHeader h = RequestHeader.obj(Opcode.WRITE_OBJ, Flags.WRITE | Flags.CACHE, 0, 4096, oid, 0, 0, 0)
                .withOpcode(Opcode.WRITE_OBJ, 0);
        return c.execute(new Request(h, ByteString.fromArray(fill(b))));
    }

    private static byte[] read(SheepdogConnection c, long oid, int flags) throws IOException {
        Response r = readObject(c, oid, flags);
        assertEquals(ResultCode.SUCCESS, r.result());
        return r.payload().toArray();
    }

    private static Response readObject(SheepdogConnection c, long oid, int flags) throws IOException {
        return c.execute(Request.of(RequestHeader.obj(Opcode.READ_OBJ, flags, 0, 4096, oid, 0, 0, 0)
                .withOpcode(Opcode.READ_OBJ, 0)));
    }

    private static int dirtyObjects(SheepdogConnection c) throws IOException {
        Response r = c.execute(Request.of(RequestHeader.plain(Opcode.GET_CACHE_INFO, 0, 12312)));
        assertEquals(ResultCode.SUCCESS, r.result());
        ByteBuffer b = r.payload().asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int count = b.getInt(16 + 1024 * 12);
        int dirty = 0;
        for (int i = 0; i < count; i++) {
            dirty += b.getInt(16 + i * 12 + 4);
        }
        return dirty;
    }

    private static byte[] fill(int b) {
        byte[] out = new byte[4096];
        Arrays.fill(out, (byte) b);
        return out;
    }
}
