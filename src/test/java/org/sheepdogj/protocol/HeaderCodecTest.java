package org.sheepdogj.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** Headers encode and decode exactly as the recorded bytes of QEMU and dog. */
class HeaderCodecTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void qemuLockVdi() {
        byte[] wire = hex("011201000000000000000000000200000000000000000000000000000000000000000000000000000000000000000000");
        RequestHeader h = RequestHeader.decode(ByteBuffer.wrap(wire));
        assertEquals(1, h.protoVer());
        assertEquals(Opcode.LOCK_VDI, h.opcode());
        assertEquals(Flags.WRITE, h.flags());
        assertEquals(512, h.dataLength());
        assertEquals(0, h.snapId());
        assertArrayEquals(wire, h.toBytes());
    }

    @Test
    void qemuNewVdiFields() {
        byte[] wire = hex("00110100000000000000000000010000000000040000000067d115000100001601000000000000000000000000000000");
        RequestHeader h = RequestHeader.decode(ByteBuffer.wrap(wire));
        assertEquals(64L << 20, h.vdiSize());
        assertEquals(0x15d167, h.baseVdiId());
        assertEquals(1, h.vdiCopies());
        assertEquals(22, h.vdiBlockSizeShift());
        assertEquals(1, h.snapId());
        RequestHeader built = RequestHeader.vdi(Opcode.NEW_VDI, Flags.WRITE, 256, 64L << 20, 0x15d167, 1, 0, 0, 22,
                1, 0).withOpcode(Opcode.NEW_VDI, 0);
        assertArrayEquals(wire, built.toBytes());
    }

    @Test
    void objectRequestOffsetAndCow() {
        byte[] wire = hex("000107000000000000000000001000000000000081a83c000000000067d1150001000000000000000020000000000000");
        RequestHeader h = RequestHeader.decode(ByteBuffer.wrap(wire));
        assertEquals(Flags.WRITE | Flags.COW | Flags.CACHE, h.flags());
        assertEquals(0x003ca88100000000L, h.oid());
        assertEquals(0x0015d16700000000L, h.cowOid());
        assertEquals(1, h.copies());
        assertEquals(8192, h.offset());
    }

    @Test
    void vdiResponseVariant() {
        byte[] wire = hex("00120000010000000000000000000000000000000000000067d115000000000001160000000000000000000000000000");
        ResponseHeader r = ResponseHeader.decode(ByteBuffer.wrap(wire));
        assertEquals(1, r.epoch());
        assertEquals(0x15d167, r.vdiId());
        assertEquals(1, r.vdiCopies());
        assertEquals(22, r.vdiBlockSizeShift());
        assertArrayEquals(wire, ResponseHeader.vdi(0, 0x15d167, 0, 1, 22).withEpochAndId(0x12, 1, 0).toBytes());
    }

    @Test
    void clusterDefaultResponse() {
        byte[] wire = hex("001800000100000000000000000000000000000001001600000000000000000000000000000000000000000000000000");
        ResponseHeader r = ResponseHeader.decode(ByteBuffer.wrap(wire));
        assertEquals(1, r.defaultCopies());
        assertEquals(22, r.defaultBlockSizeShift());
        assertArrayEquals(wire, ResponseHeader.clusterDefault(1, 0, 22).withEpochAndId(0x18, 1, 0).toBytes());
    }

    @Test
    void nodeEntry() {
        byte[] wire = hex("0000000000000000000000000000000000000000000000000000000000000000000000007f000001581b"
                + "00000000000000000000000000000000000000000000800000007f000001003036cd13000000");
        SdNode n = SdNode.decode(ByteBuffer.wrap(wire));
        assertEquals("127.0.0.1:7000", n.nid().label());
        assertEquals(128, n.nrVnodes());
        assertEquals(16777343, n.zone());
        assertEquals(n.nid().defaultZone(), n.zone());
        assertEquals(0x13cd363000L, n.space());
        assertArrayEquals(wire, SdNode.encodeAll(java.util.List.of(n)));
    }
}
