package org.sheepdogj.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sheepdogj.testing.Futures.get;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.client.VdiHandle;
import org.sheepdogj.testing.Ports;
import org.sheepdogj.testing.TestNode;
import org.sheepdogj.testing.Tools;

/**
 * The NBD export with the real clients of today's distributions (Debian's qemu-utils and libnbd-bin): conversions,
 * qemu-io's writes, zero writes, discards and flushes, listings, copies out, a qcow2 image inside an export, a
 * read-only snapshot, and bytes crossing between NBD and the sheepdog protocol.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NbdClientsTest {
    private static final int MIB = 1 << 20;

    @TempDir
    static Path dir;
    private TestNode node;
    private String base;

    @BeforeAll
    void start() throws Exception {
        int nbdPort = Ports.free();
        node = TestNode.start(dir.resolve("store"), Map.of("sheepdog.nbd-port", nbdPort));
        base = "nbd://127.0.0.1:" + nbdPort + "/";
        try (SheepdogConnection c = node.connect()) {
            get(Sheepdog.format(c, 1, 0));
        }
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private void createVdi(String name, long size) throws Exception {
        try (SheepdogConnection c = node.connect()) {
            get(Sheepdog.createVdi(c, name, size));
        }
    }

    @Test
    void qemuImgConvertsIntoAnExportAndComparesBack() throws Exception {
        String qemuImg = Tools.require("qemu-img", "qemu-utils");
        Path image = dir.resolve("image.raw");
        byte[] data = new byte[40 * MIB];
        new Random(1).nextBytes(data);
        Arrays.fill(data, 20 * MIB, 28 * MIB, (byte) 0);
        Files.write(image, data);
        createVdi("converted", 40L * MIB);
        Tools.run(qemuImg, "convert", "-n", "-f", "raw", "-O", "raw", image.toString(), base + "converted").ok();
        Tools.Run cmp = Tools.run(qemuImg, "compare", "-f", "raw", "-F", "raw", image.toString(), base + "converted")
                .ok();
        assertTrue(cmp.output().contains("Images are identical"), cmp.output());
        data[5] ^= 1;
        Files.write(image, data);
        assertNotEquals(0, Tools.run(qemuImg, "compare", "-f", "raw", "-F", "raw", image.toString(),
                base + "converted").status(), "a changed byte is noticed");
    }

    @Test
    void qemuIoWritesZeroesDiscardsAndFlushes() throws Exception {
        String qemuIo = Tools.require("qemu-io", "qemu-utils");
        createVdi("io", 64L * MIB);
        String export = base + "io";
        Tools.run(qemuIo, "-f", "raw", "-c", "write -P 0x55 0 16M", "-c", "write -P 0x66 -f 1M 64k",
                "-c", "write -z 2M 1M", "-c", "write -z 5M 9M", "-c", "discard 20M 8M", "-c", "flush",
                export).ok();
        Tools.Run check = Tools.run(qemuIo, "-f", "raw", "-c", "read -P 0x55 0 1M", "-c", "read -P 0x66 1M 64k",
                "-c", "read -P 0 2M 1M", "-c", "read -P 0x55 3M 2M", "-c", "read -P 0 5M 9M",
                "-c", "read -P 0x55 14M 2M", "-c", "read -P 0 20M 8M", export).ok();
        assertFalse(check.output().contains("Pattern verification failed"), check.output());
        assertTrue(Tools.run(qemuIo, "-f", "raw", "-c", "read -P 0x77 0 4k", export).output()
                .contains("Pattern verification failed"), "a wrong pattern is noticed");
    }

    @Test
    void nbdinfoListsExportsAndSizes() throws Exception {
        String nbdinfo = Tools.require("nbdinfo", "libnbd-bin");
        createVdi("listed", 48L * MIB);
        try (SheepdogConnection c = node.connect(); VdiHandle h = get(VdiHandle.open(c, "listed", 0, ""))) {
            get(h.snapshot("frozen"));
        }
        Tools.Run list = Tools.run(nbdinfo, "--list", base.substring(0, base.length() - 1)).ok();
        for (String export : new String[] {"export=\"listed\"", "export=\"listed@1\"", "export=\"listed@frozen\""}) {
            assertTrue(list.output().contains(export), export + " in\n" + list.output());
        }
        assertEquals(String.valueOf(48L * MIB), Tools.run(nbdinfo, "--size", base + "listed").ok().output().strip());
        Tools.Run info = Tools.run(nbdinfo, base + "listed@frozen").ok();
        assertTrue(info.output().contains("is_read_only: true"), info.output());
        assertTrue(Tools.run(nbdinfo, base + "listed").ok().output().contains("can_multi_conn: true"));
    }

    @Test
    void nbdcopyCopiesOutWhatTheSheepdogProtocolWrote() throws Exception {
        String nbdcopy = Tools.require("nbdcopy", "libnbd-bin");
        createVdi("copied", 16L * MIB);
        byte[] data = new byte[6 * MIB];
        new Random(2).nextBytes(data);
        try (SheepdogConnection c = node.connect(); VdiHandle h = get(VdiHandle.open(c, "copied", 0, ""))) {
            get(h.write(3 * MIB, ByteString.fromArray(data)));
        }
        Path out = dir.resolve("copied.raw");
        Tools.run(nbdcopy, base + "copied", out.toString()).ok();
        byte[] copy = Files.readAllBytes(out);
        assertEquals(16 * MIB, copy.length);
        assertArrayEquals(data, Arrays.copyOfRange(copy, 3 * MIB, 9 * MIB));
        assertArrayEquals(new byte[3 * MIB], Arrays.copyOfRange(copy, 0, 3 * MIB));
    }

    @Test
    void bytesWrittenOverNbdAreWhatTheSheepdogProtocolReads() throws Exception {
        String qemuIo = Tools.require("qemu-io", "qemu-utils");
        createVdi("crossed", 32L * MIB);
        Tools.run(qemuIo, "-f", "raw", "-c", "write -P 0x42 4M 1M", "-c", "write -P 0x43 12M 4k",
                base + "crossed").ok();
        try (SheepdogConnection c = node.connect(); VdiHandle h = get(VdiHandle.open(c, "crossed", 0, ""))) {
            byte[] a = new byte[MIB];
            Arrays.fill(a, (byte) 0x42);
            assertArrayEquals(a, get(h.read(4 * MIB, MIB)).toArray());
            byte[] b = new byte[4096];
            Arrays.fill(b, (byte) 0x43);
            assertArrayEquals(b, get(h.read(12 * MIB, 4096)).toArray());
            get(h.write(20 * MIB, ByteString.fromArray(filled(0x44, 8192))));
        }
        Tools.Run back = Tools.run(qemuIo, "-f", "raw", "-c", "read -P 0x44 20M 8k", base + "crossed").ok();
        assertFalse(back.output().contains("Pattern verification failed"), back.output());
    }

    @Test
    void aQcow2ImageLivesInsideAnExport() throws Exception {
        String qemuImg = Tools.require("qemu-img", "qemu-utils");
        String qemuIo = Tools.require("qemu-io", "qemu-utils");
        createVdi("qcow", 256L * MIB);
        Tools.run(qemuImg, "create", "-f", "qcow2", base + "qcow", "1G").ok();
        Tools.run(qemuIo, "-f", "qcow2", "-c", "write -P 0x61 100M 1M", base + "qcow").ok();
        Tools.Run read = Tools.run(qemuIo, "-f", "qcow2", "-c", "read -P 0x61 100M 1M", "-c", "read -P 0 0 1M",
                base + "qcow").ok();
        assertFalse(read.output().contains("Pattern verification failed"), read.output());
        Tools.Run info = Tools.run(qemuImg, "info", "-f", "qcow2", base + "qcow").ok();
        assertTrue(info.output().contains("virtual size: 1 GiB"), info.output());
        assertEquals(0, Tools.run(qemuImg, "check", "-f", "qcow2", base + "qcow").status());
    }

    @Test
    void aSnapshotIsExportedReadOnly() throws Exception {
        String qemuIo = Tools.require("qemu-io", "qemu-utils");
        createVdi("snapped", 16L * MIB);
        try (SheepdogConnection c = node.connect(); VdiHandle h = get(VdiHandle.open(c, "snapped", 0, ""))) {
            get(h.write(0, ByteString.fromArray(filled(0x31, 4096))));
            get(h.snapshot("before"));
            get(h.write(0, ByteString.fromArray(filled(0x32, 4096))));
        }
        Tools.Run refused = Tools.run(qemuIo, "-f", "raw", "-c", "write -P 0x33 0 4k", base + "snapped@before");
        assertTrue(refused.status() != 0 || refused.output().contains("Operation not permitted")
                || refused.output().contains("read-only"), refused.output());
        Tools.Run old = Tools.run(qemuIo, "-f", "raw", "-r", "-c", "read -P 0x31 0 4k", base + "snapped@1").ok();
        assertFalse(old.output().contains("Pattern verification failed"), old.output());
        Tools.Run now = Tools.run(qemuIo, "-f", "raw", "-r", "-c", "read -P 0x32 0 4k", base + "snapped").ok();
        assertFalse(now.output().contains("Pattern verification failed"), now.output());
    }

    private static byte[] filled(int b, int n) {
        byte[] out = new byte[n];
        Arrays.fill(out, (byte) b);
        return out;
    }
}
