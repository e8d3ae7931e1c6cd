package org.sheepdogj.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.sheepdogj.protocol.Inode;

/**
 * An inode as dog holds it in memory: the bytes read from the VDI object (the header alone, the header and the
 * index, or all of it), decoded on demand and changed in place before parts of it are written back.
 */
final class InodeImage {
    /** What {@code parse_vdi} reads first: the header and the B-tree index header after it. */
    static final int LISTING_READ = Inode.HEADER_SIZE + 8;

    private final byte[] bytes;
    private final ByteBuffer le;

    InodeImage(byte[] bytes) {
        this.bytes = bytes;
        this.le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    byte[] bytes() {
        return bytes;
    }

    Inode.Header header() {
        return Inode.Header.decode(bytes);
    }

    /** {@code data_vdi_id[idx]}: the VDI that holds the object, 0 for none (or beyond what was read). */
    int vid(long idx) {
        int off = Inode.indexOffset(idx);
        return idx < Inode.DATA_INDEX_COUNT && off + 4 <= bytes.length ? le.getInt(off) : 0;
    }

    void setVid(long idx, int vid) {
        le.putInt(Inode.indexOffset(idx), vid);
    }

    /** {@code gref[idx]}: generation and count. */
    int generation(long idx) {
        return le.getInt(Inode.grefOffset(idx));
    }

    int refCount(long idx) {
        return le.getInt(Inode.grefOffset(idx) + 4);
    }

    /** {@code count_data_objs}. */
    long dataObjects() {
        return header().dataObjectCount();
    }

    void setVdiSize(long size) {
        le.putLong(Inode.VDI_SIZE_OFFSET, size);
    }

    void setCopies(int copies) {
        le.put(Inode.NR_COPIES_OFFSET, (byte) copies);
    }

    /** The header bytes, as dog writes them back whole. */
    byte[] headerBytes() {
        byte[] h = new byte[Inode.HEADER_SIZE];
        System.arraycopy(bytes, 0, h, 0, Math.min(bytes.length, h.length));
        return h;
    }

    /** {@code sd_inode_stat} of a flat index: objects of this VDI's own, and objects it shares with others. */
    long[] objectCounts() {
        Inode.Header h = header();
        long own = 0;
        long shared = 0;
        long n = h.dataObjectCount();
        for (long i = 0; i < n; i++) {
            int v = vid(i);
            if (v == h.vdiId()) {
                own++;
            } else if (v != 0) {
                shared++;
            }
        }
        return new long[] {own, shared};
    }
}
