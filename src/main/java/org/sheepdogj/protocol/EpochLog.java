package org.sheepdogj.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * {@code struct epoch_log}, one record of STAT_CLUSTER: 48 bytes then {@code slots} node slots. The cluster-wide
 * fields (ctime, copies, flags, store) are filled only in the first record, as sheep does.
 */
public record EpochLog(long ctime, long time, int epoch, boolean disableRecovery, int nrCopies, int copyPolicy,
                       int flags, String driverName, List<SdNode> nodes) {
    public static final int HEADER_SIZE = 48;

    public static int recordSize(int slots) {
        return HEADER_SIZE + slots * SdNode.SIZE;
    }

    /** Writes this record with room for {@code slots} nodes ({@code nodes.size() <= slots}). */
    public void encode(ByteBuffer out, int slots) {
        ByteBuffer b = out.slice().order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, ctime).putLong(8, time).putInt(16, epoch).putInt(20, nodes.size())
                .put(24, (byte) (disableRecovery ? 1 : 0)).put(25, (byte) nrCopies).put(26, (byte) copyPolicy)
                .putShort(30, (short) flags).put(32, Names.field(driverName, ClusterInfo.STORE_LEN));
        b.position(HEADER_SIZE);
        for (SdNode n : nodes) {
            n.encode(b);
        }
        out.position(out.position() + recordSize(slots));
    }

    public static EpochLog decode(ByteBuffer in) {
        ByteBuffer b = in.slice().order(ByteOrder.LITTLE_ENDIAN);
        int nr = b.getInt(20);
        b.position(HEADER_SIZE);
        return new EpochLog(b.getLong(0), b.getLong(8), b.getInt(16), b.get(24) != 0, b.get(25) & 0xff,
                b.get(26) & 0xff, b.getShort(30) & 0xffff, Names.read(b, 32, ClusterInfo.STORE_LEN),
                SdNode.decodeAll(b, nr));
    }
}
