package org.sheepdogj.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * {@code struct cluster_info}, the payload of CLUSTER_INFO: 48 bytes of cluster settings and state, then room for
 * {@link #MAX_NODES} nodes of the current epoch.
 */
public record ClusterInfo(int protoVer, boolean disableRecovery, int epoch, long ctime, int flags, int nrCopies,
                          int copyPolicy, int status, int blockSizeShift, String defaultStore, List<SdNode> nodes) {
    /** {@code SD_MAX_NODES}. */
    public static final int MAX_NODES = 6144;
    public static final int HEADER_SIZE = 48;
    public static final int SIZE = HEADER_SIZE + MAX_NODES * SdNode.SIZE;
    /** {@code STORE_LEN}. */
    public static final int STORE_LEN = 16;

    public static final int STATUS_OK = 1;
    public static final int STATUS_WAIT = 2;
    public static final int STATUS_SHUTDOWN = 3;
    public static final int STATUS_KILLED = 4;

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) protoVer).put(1, (byte) (disableRecovery ? 1 : 0)).putShort(2, (short) nodes.size())
                .putInt(4, epoch).putLong(8, ctime).putShort(16, (short) flags).put(18, (byte) nrCopies)
                .put(19, (byte) copyPolicy).put(20, (byte) status).put(21, (byte) blockSizeShift)
                .put(25, Names.field(defaultStore, STORE_LEN));
        b.position(HEADER_SIZE);
        for (SdNode n : nodes) {
            n.encode(b);
        }
        return b.array();
    }

    public static ClusterInfo decode(ByteBuffer in) {
        ByteBuffer b = in.slice().order(ByteOrder.LITTLE_ENDIAN);
        int nr = b.getShort(2);
        b.position(HEADER_SIZE);
        List<SdNode> nodes = SdNode.decodeAll(b, nr);
        return new ClusterInfo(b.get(0) & 0xff, b.get(1) != 0, b.getInt(4), b.getLong(8), b.getShort(16) & 0xffff,
                b.get(18) & 0xff, b.get(19) & 0xff, b.get(20) & 0xff, b.get(21) & 0xff,
                Names.read(b, 25, STORE_LEN), nodes);
    }
}
