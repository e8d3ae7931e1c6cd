package org.sheepdogj.gateway;

import java.util.concurrent.atomic.AtomicLongArray;

import org.apache.pekko.util.ByteString;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.SheepStat;

/**
 * The request counters of STAT ({@code dog node stat}), counted as sheep counts them ({@code stat_request_begin}):
 * object requests from clients as a gateway, peer requests from other nodes, bytes in (requests with a payload) and
 * out (reads), per kind.
 */
final class RequestStats {
    private static final int GATEWAY_ACTIVE = 0;
    private static final int PEER_ACTIVE = 1;
    private static final int GATEWAY_TOTAL = 2;
    private static final int PEER_TOTAL = 3;
    private static final int GATEWAY_RX = 4;
    private static final int GATEWAY_TX = 5;
    private static final int PEER_RX = 6;
    private static final int PEER_TX = 7;
    private static final int GATEWAY_REMOVES = 8;
    private static final int GATEWAY_READS = 9;
    private static final int GATEWAY_WRITES = 10;
    private static final int GATEWAY_FLUSHES = 11;
    private static final int PEER_REMOVES = 12;
    private static final int PEER_READS = 13;
    private static final int PEER_WRITES = 14;

    private final AtomicLongArray c = new AtomicLongArray(15);

    private static boolean isPeer(int op) {
        return op == Opcode.CREATE_AND_WRITE_PEER || op == Opcode.READ_PEER || op == Opcode.WRITE_PEER
                || op == Opcode.REMOVE_PEER || op == Opcode.DECREF_PEER;
    }

    private static boolean isGateway(int op) {
        return op == Opcode.CREATE_AND_WRITE_OBJ || op == Opcode.READ_OBJ || op == Opcode.WRITE_OBJ
                || op == Opcode.REMOVE_OBJ || op == Opcode.DECREF_OBJ;
    }

    /** Counts a request that starts; false if it is not one that is counted. */
    boolean begin(RequestHeader h) {
        int op = h.opcode();
        long length = Integer.toUnsignedLong(h.dataLength());
        boolean in = h.hasFlag(Flags.WRITE);
        if (isPeer(op)) {
            c.incrementAndGet(PEER_TOTAL);
            c.incrementAndGet(PEER_ACTIVE);
            c.addAndGet(in ? PEER_RX : PEER_TX, length);
            switch (op) {
                case Opcode.READ_PEER -> c.incrementAndGet(PEER_READS);
                case Opcode.WRITE_PEER, Opcode.CREATE_AND_WRITE_PEER -> c.incrementAndGet(PEER_WRITES);
                case Opcode.REMOVE_PEER -> c.incrementAndGet(PEER_REMOVES);
                default -> {
                }
            }
            return true;
        }
        if (isGateway(op)) {
            c.incrementAndGet(GATEWAY_TOTAL);
            c.incrementAndGet(GATEWAY_ACTIVE);
            c.addAndGet(in ? GATEWAY_RX : GATEWAY_TX, length);
            switch (op) {
                case Opcode.READ_OBJ -> c.incrementAndGet(GATEWAY_READS);
                case Opcode.WRITE_OBJ, Opcode.CREATE_AND_WRITE_OBJ -> c.incrementAndGet(GATEWAY_WRITES);
                default -> {
                }
            }
            return true;
        }
        if (op == Opcode.FLUSH_VDI) {
            c.incrementAndGet(GATEWAY_TOTAL);
            c.incrementAndGet(GATEWAY_ACTIVE);
            c.incrementAndGet(GATEWAY_FLUSHES);
            return true;
        }
        return false;
    }

    /** A counted request has been answered. */
    void end(RequestHeader h) {
        c.decrementAndGet(isPeer(h.opcode()) ? PEER_ACTIVE : GATEWAY_ACTIVE);
    }

    /** STAT ({@code local_sd_stat}). */
    Response stat(Request req) {
        SheepStat s = new SheepStat(c.get(0), c.get(1), c.get(2), c.get(3), c.get(4), c.get(5), c.get(6), c.get(7),
                c.get(8), c.get(9), c.get(10), c.get(11), c.get(12), c.get(13), c.get(14));
        byte[] body = s.encode();
        return Response.data(ByteString.fromArrayUnsafe(body, 0, Math.min(body.length,
                Math.max(0, req.header().dataLength()))));
    }
}
