package org.sheepdogj.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sheepdogj.testing.Futures.get;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.client.VdiHandle;
import org.sheepdogj.protocol.ClusterFlags;
import org.sheepdogj.testing.Ports;
import org.sheepdogj.testing.ProcessCluster;
import org.sheepdogj.testing.TestNode;
import org.sheepdogj.testing.Tools;

/**
 * What an NBD client can get wrong, in the handshake and in transmission: each gets an NBD error reply where the
 * protocol has one, or a closed connection where it does not, and the export keeps serving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NbdBadInputTest {
    @TempDir
    static Path dir;
    private TestNode node;
    private int port;

    @BeforeAll
    void start() throws Exception {
        port = Ports.free();
        node = TestNode.start(dir, Map.of("sheepdog.nbd-port", port));
        try (SheepdogConnection c = node.connect()) {
            get(Sheepdog.format(c, 1, 0));
            get(Sheepdog.createVdi(c, "disk", 8 << 20));
            try (VdiHandle h = get(VdiHandle.open(c, "disk", 0, ""))) {
                get(h.write(0, ByteString.fromArray(new byte[] {7, 7, 7, 7})));
                get(h.snapshot("snap"));
            }
        }
    }

    @AfterAll
    void stop() {
        node.close();
    }

    /** A minimal NBD client speaking the raw protocol. */
    private final class Client implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final DataOutputStream out;

        Client() throws IOException {
            this(port);
        }

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new DataInputStream(socket.getInputStream());
            out = new DataOutputStream(socket.getOutputStream());
            assertEquals(Nbd.NBDMAGIC, in.readLong());
            assertEquals(Nbd.IHAVEOPT, in.readLong());
            in.readShort();
        }

        void clientFlags(int flags) throws IOException {
            out.writeInt(flags);
            out.flush();
        }

        void option(int option, byte[] data) throws IOException {
            out.writeLong(Nbd.IHAVEOPT);
            out.writeInt(option);
            out.writeInt(data.length);
            out.write(data);
            out.flush();
        }

        /** The next option reply: its type; its data is skipped. */
        int optionReply() throws IOException {
            assertEquals(Nbd.REPLY_MAGIC, in.readLong());
            in.readInt();
            int type = in.readInt();
            in.skipNBytes(in.readInt());
            return type;
        }

        /** OPT_GO to an export; the type of the final reply. */
        int go(String export) throws IOException {
            askToGo(export);
            int type;
            do {
                type = optionReply();
            } while (type == Nbd.REP_INFO);
            return type;
        }

        /** Sends OPT_GO to an export, without waiting for the answer. */
        void askToGo(String export) throws IOException {
            byte[] n = export.getBytes(StandardCharsets.ISO_8859_1);
            byte[] data = new byte[4 + n.length + 2];
            ByteBuffer.wrap(data).putInt(n.length).put(n).putShort((short) 0);
            option(Nbd.OPT_GO, data);
        }

        void request(int type, long handle, long offset, int length, byte[] data) throws IOException {
            out.writeInt(Nbd.REQUEST_MAGIC);
            out.writeShort(0);
            out.writeShort(type);
            out.writeLong(handle);
            out.writeLong(offset);
            out.writeInt(length);
            if (data != null) {
                out.write(data);
            }
            out.flush();
        }

        /** A simple reply's error (0 for success), after checking its handle; {@code data} bytes follow on success. */
        int simpleReply(long handle, int data) throws IOException {
            assertEquals(Nbd.SIMPLE_REPLY_MAGIC, in.readInt());
            int error = in.readInt();
            assertEquals(handle, in.readLong());
            if (error == 0) {
                in.skipNBytes(data);
            }
            return error;
        }

        void assertClosed() throws IOException {
            try {
                while (in.read() >= 0) {
                    continue;
                }
            } catch (SocketException | EOFException reset) {
                return;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void optionsTheServerDoesNotKnowOrCannotParse() throws IOException {
        try (Client c = new Client()) {
            c.clientFlags(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES);
            c.option(99, new byte[0]);
            assertEquals(Nbd.REP_ERR_UNSUP, c.optionReply());
            c.option(Nbd.OPT_STARTTLS, new byte[0]);
            assertEquals(Nbd.REP_ERR_UNSUP, c.optionReply());
            c.option(Nbd.OPT_LIST, new byte[3]);
            assertEquals(Nbd.REP_ERR_INVALID, c.optionReply(), "LIST takes no data");
            c.option(Nbd.OPT_GO, new byte[] {0, 0, 0, 50, 1});
            assertEquals(Nbd.REP_ERR_INVALID, c.optionReply(), "a name longer than the option");
            c.option(Nbd.OPT_SET_META_CONTEXT, new byte[8]);
            assertEquals(Nbd.REP_ERR_INVALID, c.optionReply(), "meta contexts need structured replies");
            assertEquals(Nbd.REP_ERR_UNKNOWN, c.go("nosuchvdi"));
            assertEquals(Nbd.REP_ERR_UNKNOWN, c.go("disk@nosuchtag"));
            assertEquals(Nbd.REP_ACK, c.go("disk"), "the connection is still good");
        }
    }

    /** What QEMU shows when it cannot open an export: a VDI that does not exist, or a node not serving yet. */
    @Test
    void aRefusedExportSaysWhy() {
        String qemuImg = Tools.require("qemu-img", "qemu-utils");
        Tools.Run missing = Tools.run(qemuImg, "info", "nbd://127.0.0.1:" + port + "/nosuchvdi");
        assertTrue(missing.status() != 0 && missing.output().contains("no such export: 'nosuchvdi' (No VDI found)"),
                missing.output());
        int unformattedPort = Ports.free();
        try (TestNode unformatted = TestNode.start(dir.resolve("unformatted"),
                Map.of("sheepdog.nbd-port", unformattedPort))) {
            Tools.Run waiting = Tools.run(qemuImg, "info", "nbd://127.0.0.1:" + unformattedPort + "/disk");
            assertTrue(waiting.status() != 0 && waiting.output().contains(
                    "export not available now: 'disk' (Waiting for cluster to be formatted)"), waiting.output());
        }
    }

    @Test
    void handshakesThatCannotGoOnAreClosed() throws IOException {
        try (Client c = new Client()) {
            c.clientFlags(0);
            c.assertClosed();
        }
        try (Client c = new Client()) {
            c.clientFlags(Nbd.FLAG_FIXED_NEWSTYLE);
            c.out.writeLong(0x1122334455667788L);
            c.out.writeLong(0);
            c.out.flush();
            c.assertClosed();
        }
        try (Client c = new Client()) {
            c.clientFlags(Nbd.FLAG_FIXED_NEWSTYLE);
            c.out.writeLong(Nbd.IHAVEOPT);
            c.out.writeInt(Nbd.OPT_GO);
            c.out.writeInt(Integer.MAX_VALUE);
            c.out.flush();
            c.assertClosed();
        }
        assertServing();
    }

    @Test
    void badRequestsGetErrorReplies() throws IOException {
        try (Client c = new Client()) {
            c.clientFlags(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES);
            assertEquals(Nbd.REP_ACK, c.go("disk"));
            c.request(Nbd.CMD_READ, 1, 8 << 20, 4096, null);
            assertEquals(Nbd.EINVAL, c.simpleReply(1, 0), "a read past the end");
            c.request(Nbd.CMD_WRITE, 2, (8 << 20) - 2, 4, new byte[4]);
            assertEquals(Nbd.ENOSPC, c.simpleReply(2, 0), "a write past the end");
            c.request(42, 3, 0, 0, null);
            assertEquals(Nbd.EINVAL, c.simpleReply(3, 0), "an unknown command");
            c.request(Nbd.CMD_BLOCK_STATUS, 4, 0, 4096, null);
            assertEquals(Nbd.EINVAL, c.simpleReply(4, 0), "block status without a negotiated context");
            c.request(Nbd.CMD_READ, 5, 0, 64 << 20, null);
            assertEquals(Nbd.EINVAL, c.simpleReply(5, 0), "a read larger than the maximum");
            c.request(Nbd.CMD_READ, 6, 0, 4, null);
            assertEquals(Nbd.SIMPLE_REPLY_MAGIC, c.in.readInt());
            assertEquals(0, c.in.readInt());
            assertEquals(6, c.in.readLong());
            byte[] data = new byte[4];
            c.in.readFully(data);
            assertArrayEquals(new byte[] {7, 7, 7, 7}, data, "and a good read still works");
        }
    }

    @Test
    void writesToASnapshotArePermissionErrors() throws IOException {
        try (Client c = new Client()) {
            c.clientFlags(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES);
            assertEquals(Nbd.REP_ACK, c.go("disk@snap"));
            c.request(Nbd.CMD_WRITE, 1, 0, 4, new byte[4]);
            assertEquals(Nbd.EPERM, c.simpleReply(1, 0));
            c.request(Nbd.CMD_TRIM, 2, 0, 4096, null);
            assertEquals(Nbd.EPERM, c.simpleReply(2, 0));
            c.request(Nbd.CMD_WRITE_ZEROES, 3, 0, 4096, null);
            assertEquals(Nbd.EPERM, c.simpleReply(3, 0));
        }
    }

    @Test
    void transmissionThatCannotGoOnIsClosed() throws IOException {
        try (Client c = new Client()) {
            c.clientFlags(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES);
            assertEquals(Nbd.REP_ACK, c.go("disk"));
            c.out.writeInt(0xdeadbeef);
            c.out.write(new byte[24]);
            c.out.flush();
            c.assertClosed();
        }
        try (Client c = new Client()) {
            c.clientFlags(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES);
            assertEquals(Nbd.REP_ACK, c.go("disk"));
            c.request(Nbd.CMD_WRITE, 1, 0, Integer.MAX_VALUE, null);
            c.assertClosed();
        }
        assertServing();
    }

    @Test
    void connectionsDroppedMidRequestLeaveTheExportServing() throws IOException {
        for (int i = 0; i < 200; i++) {
            try (Client c = new Client()) {
                c.clientFlags(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES);
                if (i % 2 == 0) {
                    assertEquals(Nbd.REP_ACK, c.go("disk"));
                    c.out.writeInt(Nbd.REQUEST_MAGIC);
                    c.out.writeShort(0);
                    c.out.writeShort(Nbd.CMD_WRITE);
                    c.out.writeLong(i);
                    c.out.writeLong(4096);
                    c.out.writeInt(65536);
                    c.out.write(new byte[100]);
                    c.out.flush();
                }
            }
        }
        assertServing();
    }

    /**
     * A client that goes away (a reset) while its export is being opened leaves nothing open: in a cluster that locks
     * VDIs, the export's lock is released and the VDI opens again. Before, the opened export was never closed and the
     * VDI stayed locked until the node restarted.
     */
    @Test
    void aClientGoneWhileItsExportOpensLeavesItClosed() throws Exception {
        int nbd = Ports.free();
        try (TestNode locking = TestNode.start(dir.resolve("locking"), Map.of("sheepdog.nbd-port", nbd));
             SheepdogConnection c = locking.connect()) {
            get(Sheepdog.format(c, 1, 0, ClusterFlags.AUTO_VNODES | ClusterFlags.USE_LOCK));
            get(Sheepdog.createVdi(c, "vm", 8 << 20));
            for (int i = 0; i < 50; i++) {
                try (Client client = new Client(nbd)) {
                    client.clientFlags(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES);
                    client.askToGo("vm");
                    client.socket.setSoLinger(true, 0);
                }
            }
            ProcessCluster.await(Duration.ofSeconds(30), "the VDI opened again after the clients went away", () -> {
                try (VdiHandle h = get(VdiHandle.open(c, "vm", 0, ""))) {
                    return true;
                } catch (Exception locked) {
                    return false;
                }
            });
        }
    }

    private void assertServing() throws IOException {
        try (Client c = new Client()) {
            c.clientFlags(Nbd.FLAG_FIXED_NEWSTYLE | Nbd.FLAG_NO_ZEROES);
            assertEquals(Nbd.REP_ACK, c.go("disk"));
            c.request(Nbd.CMD_READ, 9, 0, 4, null);
            assertEquals(0, c.simpleReply(9, 4));
        }
    }
}
