package org.sheepdogj.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.sheepdogj.protocol.ClusterInfo;
import org.sheepdogj.protocol.Names;

/**
 * The node's record of the cluster's format ({@code struct sheepdog_config}, 40 bytes, format version 6): creation
 * time (0 while unformatted), flags, copies, store driver, whether the cluster was shut down cleanly, copy policy,
 * block size shift and the space the node offers.
 */
public record ClusterConfig(long ctime, int flags, int copies, String store, boolean shutdown, int copyPolicy,
                            int blockSizeShift, long space) {
    public static final int SIZE = 40;
    public static final int FORMAT_VERSION = 6;

    public static ClusterConfig unformatted() {
        return new ClusterConfig(0, 0, 0, "", false, 0, 0, 0);
    }

    public boolean formatted() {
        return ctime != 0;
    }

    public ClusterConfig withShutdown(boolean value) {
        return new ClusterConfig(ctime, flags, copies, store, value, copyPolicy, blockSizeShift, space);
    }

    public ClusterConfig withCopies(int value) {
        return new ClusterConfig(ctime, flags, value, store, shutdown, copyPolicy, blockSizeShift, space);
    }

    /** This node's record with the space it offers: each node keeps its own, as sheep's config file does. */
    public ClusterConfig withSpace(long value) {
        return new ClusterConfig(ctime, flags, copies, store, shutdown, copyPolicy, blockSizeShift, value);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, ctime).putShort(8, (short) flags).put(10, (byte) copies)
                .put(11, Names.field(store, ClusterInfo.STORE_LEN)).put(27, (byte) (shutdown ? 1 : 0))
                .put(28, (byte) copyPolicy).put(29, (byte) blockSizeShift).putShort(30, (short) FORMAT_VERSION)
                .putLong(32, space);
        return b.array();
    }

    public static ClusterConfig decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return new ClusterConfig(b.getLong(0), b.getShort(8) & 0xffff, b.get(10) & 0xff,
                Names.read(b, 11, ClusterInfo.STORE_LEN), b.get(27) != 0, b.get(28) & 0xff, b.get(29) & 0xff,
                b.getLong(32));
    }
}
