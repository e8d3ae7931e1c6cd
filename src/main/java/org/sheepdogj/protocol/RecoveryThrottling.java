package org.sheepdogj.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct recovery_throttling} (24 bytes) of GET_RECOVERY and SET_RECOVERY: at most {@code maxExecCount}
 * objects recovered per {@code intervalMs}; 0 and 0 mean no throttling.
 */
public record RecoveryThrottling(int maxExecCount, long intervalMs, boolean throttling) {
    public static final int SIZE = 24;

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, maxExecCount).putLong(8, intervalMs).put(16, (byte) (throttling ? 1 : 0));
        return b.array();
    }

    public static RecoveryThrottling decode(ByteBuffer in) {
        ByteBuffer b = in.slice().order(ByteOrder.LITTLE_ENDIAN);
        return new RecoveryThrottling(b.getInt(0), b.getLong(8), b.get(16) != 0);
    }
}
