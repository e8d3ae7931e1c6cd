package org.sheepdogj.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sheepdogj.testing.Futures.get;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.testing.TestNode;

/**
 * {@code dog vdi cache info|flush|purge|delete} against a node with an object cache, written to as QEMU with
 * cache=writeback writes: the output of sheepdog 0.9's dog, and what each command does to the cache and the replicas.
 */
class DogVdiCacheTest {
    @TempDir
    Path dir;

    @Test
    void showsFlushesAndPurgesTheCache() throws Exception {
        int port = DogConsole.fourDigitPort();
        try (TestNode node = TestNode.start(dir, Map.of("sheepdog.port", port, "sheepdog.object-cache.size", "64MiB"));
             SheepdogConnection c = node.connect()) {
            get(Sheepdog.format(c, 1, 0));
            int vid = get(Sheepdog.createVdi(c, "cached", 64 << 20));
            long first = Oid.vidToDataOid(vid, 0);
            long second = Oid.vidToDataOid(vid, 1);
            create(c, first);
            create(c, second);
            write(c, first, 0x22);
            write(c, second, 0x33);

            assertEquals("Name\tTag\tTotal\tDirty\tClean\n"
                    + "cached\t\t8.0 MB\t8.0 MB\t0.0 MB\n"
                    + "\nCache size 64 MB, used 8.0 MB, non-directio\n", ok(port, "info"));

            assertEquals("", ok(port, "flush", "cached"));
            assertArrayEquals(fill(0x22), readReplica(c, first), "flushed to the replica");
            assertEquals("Name\tTag\tTotal\tDirty\tClean\n"
                    + "cached\t\t8.0 MB\t0.0 MB\t8.0 MB\n"
                    + "\nCache size 64 MB, used 8.0 MB, non-directio\n", ok(port, "info"));

            assertEquals("", ok(port, "purge", "cached"));
            assertEquals("Name\tTag\tTotal\tDirty\tClean\n"
                    + "\nCache size 64 MB, used 0.0 MB, non-directio\n", ok(port, "info"));
            assertArrayEquals(fill(0x33), readReplica(c, second), "purging dropped only the cache's copy");

            DogConsole.Result missing = DogConsole.dog(port, "", "vdi", "cache", "flush", "nosuch", "-p",
                    Integer.toString(port));
            assertEquals(1, missing.status());
            assertEquals("Failed to open VDI nosuch\n", missing.err());
        }
    }

    @Test
    void aNodeWithoutACacheSaysSo() throws Exception {
        int port = DogConsole.fourDigitPort();
        try (TestNode node = TestNode.start(dir, Map.of("sheepdog.port", port));
             SheepdogConnection c = node.connect()) {
            get(Sheepdog.format(c, 1, 0));
            DogConsole.Result r = DogConsole.dog(port, "", "vdi", "cache", "info", "-p", Integer.toString(port));
            assertEquals(1, r.status());
            assertEquals("failed to get cache infomation: Operation is not supported\n", r.err());
        }
    }

    private static String ok(int port, String... subcommand) {
        String[] args = new String[subcommand.length + 4];
        args[0] = "vdi";
        args[1] = "cache";
        System.arraycopy(subcommand, 0, args, 2, subcommand.length);
        args[args.length - 2] = "-p";
        args[args.length - 1] = Integer.toString(port);
        DogConsole.Result r = DogConsole.dog(port, "", args);
        assertEquals(0, r.status(), r.err());
        return r.out();
    }

    private static void create(SheepdogConnection c, long oid) throws IOException {
        RequestHeader h = RequestHeader.obj(Opcode.CREATE_AND_WRITE_OBJ, Flags.WRITE, 0, 4096, oid, 0, 0, 0)
                .withOpcode(Opcode.CREATE_AND_WRITE_OBJ, 0);
        assertEquals(ResultCode.SUCCESS, c.execute(new Request(h, ByteString.fromArray(fill(0x11)))).result());
    }

    private static void write(SheepdogConnection c, long oid, int b) throws IOException {
        RequestHeader h = RequestHeader.obj(Opcode.WRITE_OBJ, Flags.WRITE | Flags.CACHE, 0, 4096, oid, 0, 0, 0)
                .withOpcode(Opcode.WRITE_OBJ, 0);
        assertEquals(ResultCode.SUCCESS, c.execute(new Request(h, ByteString.fromArray(fill(b)))).result());
    }

    private static byte[] readReplica(SheepdogConnection c, long oid) throws IOException {
        RequestHeader h = RequestHeader.obj(Opcode.READ_OBJ, Flags.DIRECT, 0, 4096, oid, 0, 0, 0)
                .withOpcode(Opcode.READ_OBJ, 0);
        Response r = c.execute(Request.of(h));
        assertEquals(ResultCode.SUCCESS, r.result());
        return r.payload().toArray();
    }

    private static byte[] fill(int b) {
        byte[] a = new byte[4096];
        Arrays.fill(a, (byte) b);
        return a;
    }
}
