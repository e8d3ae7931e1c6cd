package org.sheepdogj.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 48-byte response header ({@code struct sd_rsp}): result at 16, then a 28-byte union kept as one u32 (offset 20)
 * and three u64 words (24, 32, 40) that the accessors read as the obj, vdi, node, hash or cluster-default variant.
 */
public record ResponseHeader(int protoVer, int opcode, int flags, int epoch, int id, int dataLength, int result,
                             int r20, long w24, long w32, long w40) {

    public static final int SIZE = 48;

    public boolean ok() {
        return result == ResultCode.SUCCESS;
    }

    // vdi variant
    public int vdiId() {
        return (int) w24;
    }

    public int attrId() {
        return (int) (w24 >>> 32);
    }

    public int vdiCopies() {
        return (int) (w32 & 0xff);
    }

    public int vdiBlockSizeShift() {
        return (int) ((w32 >>> 8) & 0xff);
    }

    // node variant
    public int nrNodes() {
        return r20;
    }

    public long storeSize() {
        return w32;
    }

    public long storeFree() {
        return w40;
    }

    // cluster_default variant
    public int defaultCopies() {
        return r20 & 0xff;
    }

    public int defaultCopyPolicy() {
        return (r20 >>> 8) & 0xff;
    }

    public int defaultBlockSizeShift() {
        return (r20 >>> 16) & 0xff;
    }

    // obj variant
    public int objCopies() {
        return r20 & 0xff;
    }

    public ResponseHeader withEpochAndId(int opcodeEcho, int newEpoch, int newId) {
        return new ResponseHeader(protoVer, opcodeEcho, flags, newEpoch, newId, dataLength, result, r20, w24, w32, w40);
    }

    public ResponseHeader withDataLength(int newLength) {
        return new ResponseHeader(protoVer, opcode, flags, epoch, id, newLength, result, r20, w24, w32, w40);
    }

    public ResponseHeader withResult(int newResult) {
        return new ResponseHeader(protoVer, opcode, flags, epoch, id, dataLength, newResult, r20, w24, w32, w40);
    }

    public static ResponseHeader decode(ByteBuffer buf) {
        ByteBuffer b = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
        return new ResponseHeader(b.get(0) & 0xff, b.get(1) & 0xff, b.getShort(2) & 0xffff, b.getInt(4), b.getInt(8),
                b.getInt(12), b.getInt(16), b.getInt(20), b.getLong(24), b.getLong(32), b.getLong(40));
    }

    public void encode(ByteBuffer out) {
        ByteBuffer b = out.slice().order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) protoVer).put(1, (byte) opcode).putShort(2, (short) flags).putInt(4, epoch).putInt(8, id)
                .putInt(12, dataLength).putInt(16, result).putInt(20, r20).putLong(24, w24).putLong(32, w32)
                .putLong(40, w40);
        out.position(out.position() + SIZE);
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        encode(b);
        return b.array();
    }

    /** A response with only a result; the server fills opcode, epoch and id when it sends. */
    public static ResponseHeader of(int result) {
        return new ResponseHeader(0, 0, 0, 0, 0, 0, result, 0, 0, 0, 0);
    }

    /** The vdi variant: vdi_id, attr_id, copies, block_size_shift. */
    public static ResponseHeader vdi(int result, int vid, int attrId, int copies, int blockSizeShift) {
        long word24 = (vid & 0xffffffffL) | ((long) attrId << 32);
        long word32 = (copies & 0xff) | ((long) (blockSizeShift & 0xff) << 8);
        return new ResponseHeader(0, 0, 0, 0, 0, 0, result, 0, word24, word32, 0);
    }

    /** The node variant: nr_nodes, store_size, store_free. */
    public static ResponseHeader node(int result, int nrNodes, long storeSize, long storeFree) {
        return new ResponseHeader(0, 0, 0, 0, 0, 0, result, nrNodes, 0, storeSize, storeFree);
    }

    /** The cluster_default variant: nr_copies, copy_policy, block_size_shift. */
    public static ResponseHeader clusterDefault(int copies, int copyPolicy, int blockSizeShift) {
        int word = (copies & 0xff) | ((copyPolicy & 0xff) << 8) | ((blockSizeShift & 0xff) << 16);
        return new ResponseHeader(0, 0, 0, 0, 0, 0, ResultCode.SUCCESS, word, 0, 0, 0);
    }

    /** The hash variant: a 20-byte SHA-1 digest at offset 24. */
    public static ResponseHeader hash(byte[] digest) {
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        b.put(digest, 0, 20);
        return new ResponseHeader(0, 0, 0, 0, 0, 0, ResultCode.SUCCESS, 0, b.getLong(0), b.getLong(8),
                b.getInt(16) & 0xffffffffL);
    }

    /** The 20-byte digest of the hash variant. */
    public byte[] digest() {
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(w24).putLong(w32).putLong(w40);
        byte[] d = new byte[20];
        System.arraycopy(b.array(), 0, d, 0, 20);
        return d;
    }
}
