package org.sheepdogj.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct recovery_state} (24 bytes), the answer to STAT_RECOVERY: whether the node is recovering, in which
 * phase, and how many objects of how many it has done.
 */
public record RecoveryState(boolean inRecovery, int phase, long finished, long total) {
    public static final int SIZE = 24;
    /** {@code RW_PREPARE_LIST}, {@code RW_RECOVER_OBJ}, {@code RW_NOTIFY_COMPLETION}. */
    public static final int PREPARE_LIST = 0;
    public static final int RECOVER_OBJ = 1;
    public static final int NOTIFY_COMPLETION = 2;

    public static RecoveryState idle() {
        return new RecoveryState(false, PREPARE_LIST, 0, 0);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) (inRecovery ? 1 : 0)).putInt(4, phase).putLong(8, finished).putLong(16, total);
        return b.array();
    }

    public static RecoveryState decode(ByteBuffer in) {
        ByteBuffer b = in.slice().order(ByteOrder.LITTLE_ENDIAN);
        return new RecoveryState(b.get(0) != 0, b.getInt(4), b.getLong(8), b.getLong(16));
    }
}
