package org.sheepdogj.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The layout of {@code struct sd_inode} (sheep 1.0), the VDI object that QEMU and dog read and write directly:
 * a 4,664-byte header, the {@code data_vdi_id[2^20]} index, then {@code gref[2^20]} reference counts.
 */
public final class Inode {
    public static final int NAME_OFFSET = 0;
    public static final int TAG_OFFSET = 256;
    public static final int CREATE_TIME_OFFSET = 512;
    public static final int SNAP_CTIME_OFFSET = 520;
    public static final int VM_CLOCK_NSEC_OFFSET = 528;
    public static final int VDI_SIZE_OFFSET = 536;
    public static final int VM_STATE_SIZE_OFFSET = 544;
    public static final int COPY_POLICY_OFFSET = 552;
    public static final int STORE_POLICY_OFFSET = 553;
    public static final int NR_COPIES_OFFSET = 554;
    public static final int BLOCK_SIZE_SHIFT_OFFSET = 555;
    public static final int SNAP_ID_OFFSET = 556;
    public static final int VDI_ID_OFFSET = 560;
    public static final int PARENT_VDI_ID_OFFSET = 564;
    public static final int BTREE_COUNTER_OFFSET = 568;
    /** {@code SD_INODE_HEADER_SIZE}: where {@code data_vdi_id[]} starts. */
    public static final int HEADER_SIZE = 4664;
    /** {@code SD_INODE_DATA_INDEX}: entries of the flat index. */
    public static final int DATA_INDEX_COUNT = 1 << 20;
    public static final int GREF_OFFSET = HEADER_SIZE + 4 * DATA_INDEX_COUNT;
    /** The sheep 1.0 inode, with the generation references. */
    public static final int SIZE = GREF_OFFSET + 8 * DATA_INDEX_COUNT;
    /** QEMU's view of the inode: header and index, no grefs. */
    public static final int QEMU_SIZE = GREF_OFFSET;
    /** The size of the header read by QEMU's snapshot listing and lookups (the first fields up to the index). */
    public static final int LOOKUP_READ_SIZE = 568;

    private Inode() {
    }

    public static int indexOffset(long idx) {
        return HEADER_SIZE + 4 * (int) idx;
    }

    public static int grefOffset(long idx) {
        return GREF_OFFSET + 8 * (int) idx;
    }

    /** {@code count_data_objs}: how many index entries a VDI of this size uses. */
    public static long dataObjectCount(long vdiSize, int blockSizeShift) {
        long objSize = 1L << blockSizeShift;
        return (vdiSize + objSize - 1) / objSize;
    }

    /** The decoded header of an inode. */
    public record Header(String name, String tag, long createTime, long snapCtime, long vmClockNsec, long vdiSize,
                         long vmStateSize, int copyPolicy, int storePolicy, int nrCopies, int blockSizeShift,
                         int snapId, int vdiId, int parentVdiId, int btreeCounter) {

        public boolean isSnapshot() {
            return snapCtime != 0;
        }

        public long objectSize() {
            return 1L << blockSizeShift;
        }

        public long dataObjectCount() {
            return Inode.dataObjectCount(vdiSize, blockSizeShift);
        }

        public static Header decode(ByteBuffer buf) {
            ByteBuffer s = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
            return new Header(Names.read(s, NAME_OFFSET, 256), Names.read(s, TAG_OFFSET, 256),
                    s.getLong(CREATE_TIME_OFFSET), s.getLong(SNAP_CTIME_OFFSET), s.getLong(VM_CLOCK_NSEC_OFFSET),
                    s.getLong(VDI_SIZE_OFFSET), s.getLong(VM_STATE_SIZE_OFFSET), s.get(COPY_POLICY_OFFSET) & 0xff,
                    s.get(STORE_POLICY_OFFSET) & 0xff, s.get(NR_COPIES_OFFSET) & 0xff,
                    s.get(BLOCK_SIZE_SHIFT_OFFSET) & 0xff, s.getInt(SNAP_ID_OFFSET), s.getInt(VDI_ID_OFFSET),
                    s.getInt(PARENT_VDI_ID_OFFSET), s.getInt(BTREE_COUNTER_OFFSET));
        }

        public static Header decode(byte[] bytes) {
            return decode(ByteBuffer.wrap(bytes));
        }

        /** Writes these fields over the first {@link #LOOKUP_READ_SIZE} + 4 bytes of {@code buf}. */
        public void encodeInto(ByteBuffer buf) {
            ByteBuffer s = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
            s.put(NAME_OFFSET, Names.field(name, 256));
            s.put(TAG_OFFSET, Names.field(tag, 256));
            s.putLong(CREATE_TIME_OFFSET, createTime).putLong(SNAP_CTIME_OFFSET, snapCtime)
                    .putLong(VM_CLOCK_NSEC_OFFSET, vmClockNsec).putLong(VDI_SIZE_OFFSET, vdiSize)
                    .putLong(VM_STATE_SIZE_OFFSET, vmStateSize).put(COPY_POLICY_OFFSET, (byte) copyPolicy)
                    .put(STORE_POLICY_OFFSET, (byte) storePolicy).put(NR_COPIES_OFFSET, (byte) nrCopies)
                    .put(BLOCK_SIZE_SHIFT_OFFSET, (byte) blockSizeShift).putInt(SNAP_ID_OFFSET, snapId)
                    .putInt(VDI_ID_OFFSET, vdiId).putInt(PARENT_VDI_ID_OFFSET, parentVdiId)
                    .putInt(BTREE_COUNTER_OFFSET, btreeCounter);
        }

        public byte[] toBytes() {
            byte[] out = new byte[HEADER_SIZE];
            encodeInto(ByteBuffer.wrap(out));
            return out;
        }

        public Header withSnapCtime(long t) {
            return new Header(name, tag, createTime, t, vmClockNsec, vdiSize, vmStateSize, copyPolicy, storePolicy,
                    nrCopies, blockSizeShift, snapId, vdiId, parentVdiId, btreeCounter);
        }

        public Header withVdiSize(long size) {
            return new Header(name, tag, createTime, snapCtime, vmClockNsec, size, vmStateSize, copyPolicy,
                    storePolicy, nrCopies, blockSizeShift, snapId, vdiId, parentVdiId, btreeCounter);
        }
    }

    /** Sheep's time stamp for inodes and the cluster: seconds in the high word, nanoseconds in the low. */
    public static long timestampNow() {
        java.time.Instant now = java.time.Instant.now();
        return (now.getEpochSecond() << 32) | (now.getNano() & 0xffffffffL);
    }
}
