package org.sheepdogj.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.sheepdogj.testing.Futures.get;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.client.SheepdogException;
import org.sheepdogj.client.VdiHandle;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.testing.TestNode;

/**
 * What a client can send that it should not: truncated headers, absurd lengths, unknown opcodes, wrong versions,
 * unknown VDIs and objects, writes to snapshots, and a thousand connections dropped mid-request. Each gets a clear
 * answer or a closed connection; the node keeps serving and the stored data does not change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    @TempDir
    static Path dir;
    private TestNode node;
    private byte[] reference;

    @BeforeAll
    void start() throws Exception {
        node = TestNode.start(dir);
        try (SheepdogConnection c = node.connect()) {
            assertEquals(ResultCode.WAIT_FOR_FORMAT, readObject(c, Oid.vidToDataOid(1, 0), 0, 512).result(),
                    "before the format, I/O waits for it");
            get(Sheepdog.format(c, 1, 0));
            get(Sheepdog.createVdi(c, "data", 64 << 20));
            try (VdiHandle h = get(VdiHandle.open(c, "data", 0, ""))) {
                reference = new byte[1 << 20];
                new Random(7).nextBytes(reference);
                get(h.write(4096, ByteString.fromArray(reference)));
                get(h.snapshot("frozen"));
            }
        }
    }

    @AfterAll
    void stop() {
        node.close();
    }

    @Test
    void unknownOpcodesAreInvalidParameters() throws Exception {
        try (SheepdogConnection c = node.connect()) {
            assertEquals(ResultCode.INVALID_PARMS, c.execute(Request.of(RequestHeader.plain(0x7e, 0, 0))).result());
            assertEquals(ResultCode.INVALID_PARMS, c.execute(Request.of(RequestHeader.plain(0xfe, 0, 0))).result());
            ByteString junk = ByteString.fromArray(new byte[100]);
            Response r = c.execute(new Request(RequestHeader.plain(0x7e, Flags.WRITE, 100), junk));
            assertEquals(ResultCode.INVALID_PARMS, r.result(), "its payload is read and skipped");
            assertEquals(ResultCode.SUCCESS, clusterDefault(c).result(), "the connection still works");
        }
        assertDataIntact();
    }

    @Test
    void wrongProtocolVersionsAreRefused() throws Exception {
        try (SheepdogConnection c = node.connect()) {
            RequestHeader publicOp = RequestHeader.plain(Opcode.GET_CLUSTER_DEFAULT, 0, 0);
            assertEquals(ResultCode.VER_MISMATCH, c.execute(Request.of(publicOp.withOpcode(publicOp.opcode(), 3)))
                    .result());
            RequestHeader internal = RequestHeader.plain(Opcode.GET_NODE_LIST, 0, 4096);
            assertEquals(ResultCode.VER_MISMATCH, c.execute(Request.of(internal.withOpcode(internal.opcode(), 2)))
                    .result());
            assertEquals(ResultCode.SUCCESS, c.execute(Request.of(publicOp.withOpcode(publicOp.opcode(), 0)))
                    .result(), "QEMU sends version 0");
        }
    }

    @Test
    void unknownVdisAndObjects() throws Exception {
        try (SheepdogConnection c = node.connect()) {
            int err = SheepdogException.resultOf(failure(Sheepdog.vdiInfo(c, "nosuch", "", 0)));
            assertEquals(ResultCode.NO_VDI, err);
            err = SheepdogException.resultOf(failure(Sheepdog.vdiInfo(c, "data", "nosuchtag",
                    0)));
            assertEquals(ResultCode.NO_TAG, err);
            assertEquals(ResultCode.NO_OBJ, readObject(c, Oid.vidToDataOid(0x123456, 7), 0, 4096).result());
            assertEquals(ResultCode.INVALID_PARMS, readObject(c, Oid.vidToDataOid(0x123456, 0), (4 << 20) - 100, 4096)
                    .result(), "a read past the end of an object");
            assertEquals(ResultCode.INVALID_PARMS, readObject(c, Oid.META_BIT | 1, 0, 16).result(),
                    "the node's own metadata objects are not for clients");
            RequestHeader slots = RequestHeader.cluster(Opcode.STAT_CLUSTER, 0, 1 << 20, 0, 0, 0, 0,
                    Integer.MAX_VALUE, 0);
            assertEquals(ResultCode.SUCCESS, c.execute(Request.of(slots)).result(), "absurd node slots");
            RequestHeader badName = RequestHeader.vdi(Opcode.GET_VDI_INFO, Flags.WRITE, 100, 0, 0, 0, 0, 0, 0, 0, 0);
            assertEquals(ResultCode.INVALID_PARMS, c.execute(new Request(badName, ByteString.fromArray(new byte[100])))
                    .result(), "a name payload of the wrong size");
        }
    }

    @Test
    void snapshotsRefuseWrites() throws Exception {
        try (SheepdogConnection c = node.connect()) {
            int snapshot = get(Sheepdog.vdiInfo(c, "data", "frozen", 0));
            RequestHeader h = RequestHeader.obj(Opcode.WRITE_OBJ, Flags.WRITE, 0, 512, Oid.vidToDataOid(snapshot, 0),
                    0, 0, 4096);
            assertEquals(ResultCode.READONLY, c.execute(new Request(h, ByteString.fromArray(new byte[512]))).result());
        }
        assertDataIntact();
    }

    @Test
    void absurdLengthClosesTheConnection() throws Exception {
        try (Socket s = new Socket("127.0.0.1", node.port())) {
            RequestHeader h = RequestHeader.obj(Opcode.WRITE_OBJ, Flags.WRITE, 1, -1, Oid.vidToDataOid(1, 0), 0, 0,
                    0);
            s.getOutputStream().write(h.toBytes());
            s.getOutputStream().flush();
            s.setSoTimeout(10_000);
            assertClosed(s);
        }
        try (SheepdogConnection c = node.connect()) {
            assertEquals(ResultCode.SUCCESS, clusterDefault(c).result());
        }
        assertDataIntact();
    }

    @Test
    void truncatedHeaderAndPayload() throws Exception {
        try (Socket s = new Socket("127.0.0.1", node.port())) {
            s.getOutputStream().write(new byte[20]);
            s.shutdownOutput();
            s.setSoTimeout(10_000);
            assertClosed(s);
        }
        assertDataIntact();
    }

    @Test
    void aThousandConnectionsDroppedMidRequest() throws Exception {
        int vid;
        try (SheepdogConnection c = node.connect()) {
            vid = get(Sheepdog.vdiInfo(c, "data", "", 0));
        }
        byte[] header = RequestHeader.obj(Opcode.WRITE_OBJ, Flags.WRITE, 9, 1 << 20, Oid.vidToDataOid(vid, 0), 0, 0,
                4096).toBytes();
        for (int i = 0; i < 1000; i++) {
            try (Socket s = new Socket("127.0.0.1", node.port())) {
                OutputStream out = s.getOutputStream();
                switch (i % 3) {
                    case 0 -> out.write(header, 0, 10 + i % 30);
                    case 1 -> {
                        out.write(header);
                        out.write(new byte[1000 + i]);
                    }
                    default -> {
                        out.write(header);
                        s.setSoLinger(true, 0);
                    }
                }
                out.flush();
            } catch (IOException e) {
                // a reset while closing is what this test does on purpose
            }
        }
        try (SheepdogConnection c = node.connect()) {
            assertEquals(ResultCode.SUCCESS, clusterDefault(c).result(), "still serving");
        }
        assertDataIntact();
    }

    @Test
    void pipelinedRequestsAreAnsweredByTheirIds() throws Exception {
        try (Socket s = new Socket("127.0.0.1", node.port())) {
            int vid;
            try (SheepdogConnection c = node.connect()) {
                vid = get(Sheepdog.vdiInfo(c, "data", "frozen", 0));
            }
            OutputStream out = s.getOutputStream();
            for (int id = 100; id < 164; id++) {
                out.write(RequestHeader.obj(Opcode.READ_OBJ, 0, id, 4096, Oid.vidToDataOid(vid, 0), 0, 0, 4096 + 4096L
                        * (id - 100)).withOpcode(Opcode.READ_OBJ, 0).toBytes());
            }
            out.flush();
            InputStream in = s.getInputStream();
            boolean[] seen = new boolean[64];
            for (int i = 0; i < 64; i++) {
                byte[] head = in.readNBytes(48);
                ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
                int id = b.getInt(8);
                assertEquals(ResultCode.SUCCESS, b.getInt(16));
                byte[] data = in.readNBytes(b.getInt(12));
                int k = id - 100;
                seen[k] = true;
                assertArrayEquals(Arrays.copyOfRange(reference, k * 4096, k * 4096 + 4096), data);
            }
            for (boolean x : seen) {
                assertEquals(true, x);
            }
        }
    }

    /** The node ends the connection (by FIN or by reset) without answering. */
    private static void assertClosed(Socket s) throws IOException {
        try {
            assertEquals(-1, s.getInputStream().read(), "the node closes the connection without an answer");
        } catch (SocketException reset) {
            assertEquals("Connection reset", reset.getMessage());
        }
    }

    private void assertDataIntact() throws Exception {
        try (SheepdogConnection c = node.connect();
             VdiHandle h = get(VdiHandle.open(c, "data", 0, "frozen"))) {
            assertArrayEquals(reference, get(h.read(4096, reference.length)).toArray());
        }
    }

    private static Response clusterDefault(SheepdogConnection c) throws IOException {
        return c.execute(Request.of(RequestHeader.plain(Opcode.GET_CLUSTER_DEFAULT, 0, 0)));
    }

    private static Response readObject(SheepdogConnection c, long oid, long offset, int length) throws IOException {
        return c.execute(Request.of(RequestHeader.obj(Opcode.READ_OBJ, 0, 0, length, oid, 0, 0, offset)
                .withOpcode(Opcode.READ_OBJ, 0)));
    }

    private static Throwable failure(CompletionStage<?> f) {
        return assertThrows(Exception.class, () -> f.toCompletableFuture().get(60, TimeUnit.SECONDS));
    }
}
