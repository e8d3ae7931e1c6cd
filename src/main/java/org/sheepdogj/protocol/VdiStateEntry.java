package org.sheepdogj.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** {@code struct vdi_state} (1,428 bytes), one element of GET_VDI_COPIES, as {@code dog vdi lock list} reads it. */
public record VdiStateEntry(int vid, int nrCopies, boolean snapshot, boolean deleted, int copyPolicy,
                            int blockSizeShift, int parentVid, int lockState, NodeId lockOwner) {
    public static final int SIZE = 1428;
    /** {@code LOCK_STATE_UNLOCKED}, {@code LOCK_STATE_LOCKED}, {@code LOCK_STATE_SHARED}. */
    public static final int UNLOCKED = 1;
    public static final int LOCKED = 2;
    public static final int SHARED = 3;

    public void encode(ByteBuffer out) {
        ByteBuffer b = out.slice().order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, vid).put(4, (byte) nrCopies).put(5, (byte) (snapshot ? 1 : 0)).put(6, (byte) (deleted ? 1 : 0))
                .put(7, (byte) copyPolicy).put(8, (byte) blockSizeShift).putInt(12, parentVid).putInt(16, lockState);
        if (lockOwner != null) {
            b.position(20);
            lockOwner.encode(b);
        }
        out.position(out.position() + SIZE);
    }

    public static VdiStateEntry decode(ByteBuffer in) {
        ByteBuffer b = in.slice().order(ByteOrder.LITTLE_ENDIAN);
        b.position(20);
        NodeId owner = NodeId.decode(b);
        return new VdiStateEntry(b.getInt(0), b.get(4) & 0xff, b.get(5) != 0, b.get(6) != 0, b.get(7) & 0xff,
                b.get(8) & 0xff, b.getInt(12), b.getInt(16), owner);
    }
}
