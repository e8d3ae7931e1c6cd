package org.sheepdogj.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 48-byte request header ({@code struct sd_req}). The 32-byte union at offset 16 is kept as four little-endian
 * words; the accessors read it as the variant the opcode uses (obj, vdi, cluster, ref, vdi_state).
 */
public record RequestHeader(int protoVer, int opcode, int flags, int epoch, int id, int dataLength,
                            long w0, long w1, long w2, long w3) {

    public static final int SIZE = 48;

    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    /** Whether {@code data_length} payload bytes follow the header on the wire. */
    public boolean carriesPayload() {
        return hasFlag(Flags.WRITE) && dataLength > 0;
    }

    // obj variant
    public long oid() {
        return w0;
    }

    public long cowOid() {
        return w1;
    }

    public int copies() {
        return (int) (w2 & 0xff);
    }

    public int copyPolicy() {
        return (int) ((w2 >>> 8) & 0xff);
    }

    public int ecIndex() {
        return (int) ((w2 >>> 16) & 0xff);
    }

    public int tgtEpoch() {
        return (int) (w2 >>> 32);
    }

    /** The offset inside the object: sheep reads a u32 (QEMU writes a u64 whose high half is always zero). */
    public long offset() {
        return w3 & 0xffffffffL;
    }

    // vdi variant
    public long vdiSize() {
        return w0;
    }

    public int baseVdiId() {
        return (int) w1;
    }

    public int vdiCopies() {
        return (int) ((w1 >>> 32) & 0xff);
    }

    public int vdiCopyPolicy() {
        return (int) ((w1 >>> 40) & 0xff);
    }

    public int storePolicy() {
        return (int) ((w1 >>> 48) & 0xff);
    }

    public int vdiBlockSizeShift() {
        return (int) ((w1 >>> 56) & 0xff);
    }

    public int snapId() {
        return (int) w2;
    }

    public int lockType() {
        return (int) (w2 >>> 32);
    }

    // cluster variant
    public long clusterCtime() {
        return w1;
    }

    public int clusterCopies() {
        return (int) (w2 & 0xff);
    }

    public int clusterCopyPolicy() {
        return (int) ((w2 >>> 8) & 0xff);
    }

    public int clusterFlags() {
        return (int) ((w2 >>> 16) & 0xffff);
    }

    public int nodesNr() {
        return (int) w3;
    }

    public int clusterBlockSizeShift() {
        return (int) ((w3 >>> 32) & 0xff);
    }

    // ref variant (DECREF_OBJ / DECREF_PEER)
    public int refGeneration() {
        return (int) w1;
    }

    public int refCount() {
        return (int) (w1 >>> 32);
    }

    /**
     * sheepdog-j's id of one reference drop (in the ref variant's unused bytes 32..39), so that a replica applies a
     * drop once even when it arrives twice (a retry, or a ledger recovered after the drop reached its source).
     */
    public long refOperation() {
        return w2;
    }

    public RequestHeader withOpcode(int newOpcode, int newProtoVer) {
        return new RequestHeader(newProtoVer, newOpcode, flags, epoch, id, dataLength, w0, w1, w2, w3);
    }

    public RequestHeader withEpoch(int newEpoch) {
        return new RequestHeader(protoVer, opcode, flags, newEpoch, id, dataLength, w0, w1, w2, w3);
    }

    public RequestHeader withId(int newId) {
        return new RequestHeader(protoVer, opcode, flags, epoch, newId, dataLength, w0, w1, w2, w3);
    }

    public RequestHeader withDataLength(int newLength) {
        return new RequestHeader(protoVer, opcode, flags, epoch, id, newLength, w0, w1, w2, w3);
    }

    public static RequestHeader decode(ByteBuffer buf) {
        ByteBuffer b = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
        return new RequestHeader(b.get(0) & 0xff, b.get(1) & 0xff, b.getShort(2) & 0xffff, b.getInt(4), b.getInt(8),
                b.getInt(12), b.getLong(16), b.getLong(24), b.getLong(32), b.getLong(40));
    }

    public void encode(ByteBuffer out) {
        ByteBuffer b = out.slice().order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) protoVer).put(1, (byte) opcode).putShort(2, (short) flags).putInt(4, epoch).putInt(8, id)
                .putInt(12, dataLength).putLong(16, w0).putLong(24, w1).putLong(32, w2).putLong(40, w3);
        out.position(out.position() + SIZE);
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        encode(b);
        return b.array();
    }

    /** An object request: obj.oid, obj.cow_oid, obj.copies, obj.offset. */
    public static RequestHeader obj(int opcode, int flags, int id, int dataLength, long oid, long cowOid, int copies,
                                    long offset) {
        return new RequestHeader(ProtocolVersion.forOpcode(opcode), opcode, flags, 0, id, dataLength, oid, cowOid,
                copies & 0xff, offset);
    }

    /** A VDI request: vdi.vdi_size, vdi.base_vdi_id, vdi.copies..block_size_shift, vdi.snapid, vdi.type. */
    public static RequestHeader vdi(int opcode, int flags, int dataLength, long vdiSize, int baseVid, int copies,
                                    int copyPolicy, int storePolicy, int blockSizeShift, int snapId, int lockType) {
        long word1 = (baseVid & 0xffffffffL) | ((long) (copies & 0xff) << 32) | ((long) (copyPolicy & 0xff) << 40)
                | ((long) (storePolicy & 0xff) << 48) | ((long) (blockSizeShift & 0xff) << 56);
        long word2 = (snapId & 0xffffffffL) | ((long) lockType << 32);
        return new RequestHeader(ProtocolVersion.forOpcode(opcode), opcode, flags, 0, 0, dataLength, vdiSize, word1,
                word2, 0);
    }

    /** A cluster request: cluster.ctime, copies, copy_policy, flags, nodes_nr, block_size_shift. */
    public static RequestHeader cluster(int opcode, int flags, int dataLength, long ctime, int copies, int copyPolicy,
                                        int clusterFlags, int nodesNr, int blockSizeShift) {
        long word2 = (copies & 0xff) | ((long) (copyPolicy & 0xff) << 8) | ((long) (clusterFlags & 0xffff) << 16);
        long word3 = (nodesNr & 0xffffffffL) | ((long) (blockSizeShift & 0xff) << 32);
        return new RequestHeader(ProtocolVersion.forOpcode(opcode), opcode, flags, 0, 0, dataLength, 0, ctime, word2,
                word3);
    }

    /** A request with nothing in its union. */
    public static RequestHeader plain(int opcode, int flags, int dataLength) {
        return new RequestHeader(ProtocolVersion.forOpcode(opcode), opcode, flags, 0, 0, dataLength, 0, 0, 0, 0);
    }

    /** A DECREF request ({@code struct ref}): ledger oid, generation and count, and the drop's id. */
    public static RequestHeader ref(int opcode, long oid, int generation, int count, long operation) {
        long word1 = (generation & 0xffffffffL) | ((long) count << 32);
        return new RequestHeader(ProtocolVersion.forOpcode(opcode), opcode, 0, 0, 0, 0, oid, word1, operation, 0);
    }
}
