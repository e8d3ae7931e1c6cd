package org.sheepdogj.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct sd_stat} (120 bytes), the answer to STAT: request counters of the node as a gateway (requests from
 * clients) and as a peer (requests from other nodes).
 */
public record SheepStat(long gatewayActive, long peerActive, long gatewayTotal, long peerTotal, long gatewayRx,
                        long gatewayTx, long peerRx, long peerTx, long gatewayRemoves, long gatewayReads,
                        long gatewayWrites, long gatewayFlushes, long peerRemoves, long peerReads, long peerWrites) {
    public static final int SIZE = 15 * 8;

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(gatewayActive).putLong(peerActive).putLong(gatewayTotal).putLong(peerTotal).putLong(gatewayRx)
                .putLong(gatewayTx).putLong(peerRx).putLong(peerTx).putLong(gatewayRemoves).putLong(gatewayReads)
                .putLong(gatewayWrites).putLong(gatewayFlushes).putLong(peerRemoves).putLong(peerReads)
                .putLong(peerWrites);
        return b.array();
    }

    public static SheepStat decode(ByteBuffer in) {
        ByteBuffer b = in.slice().order(ByteOrder.LITTLE_ENDIAN);
        long[] v = new long[15];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getLong(8 * i);
        }
        return new SheepStat(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13],
                v[14]);
    }
}
