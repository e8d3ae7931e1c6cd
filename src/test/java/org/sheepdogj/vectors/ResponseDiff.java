package org.sheepdogj.vectors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.sheepdogj.protocol.EpochLog;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;

/**
 * Compares our answer with the original sheep's, byte for byte, except the bytes that legitimately differ between
 * runs: creation and epoch times, the space of a node's disk, the node's TCP port, and fields the original left
 * uninitialised.
 */
final class ResponseDiff {
    private ResponseDiff() {
    }

    static List<String> compare(Request req, Response expected, Response actual) {
        List<String> diffs = new ArrayList<>();
        byte[] e = expected.header().toBytes();
        byte[] a = actual.header().toBytes();
        boolean[] headerMask = new boolean[48];
        int op = req.opcode();
        if (op == Opcode.NEW_VDI && expected.header().result() != ResultCode.SUCCESS) {
            mask(headerMask, 24, 28);
        }
        if (op == Opcode.STAT_SHEEP) {
            mask(headerMask, 32, 48);
        }
        for (int i = 0; i < 48; i++) {
            if (!headerMask[i] && e[i] != a[i]) {
                diffs.add(String.format("header byte %d: expected %02x, got %02x (result expected %s, got %s)", i,
                        e[i], a[i], ResultCode.name(expected.result()), ResultCode.name(actual.result())));
                break;
            }
        }
        byte[] ep = expected.payload().toArray();
        byte[] ap = actual.payload().toArray();
        if (ep.length != ap.length) {
            diffs.add("payload length: expected " + ep.length + ", got " + ap.length);
            return diffs;
        }
        boolean[] m = payloadMask(req, ep.length);
        for (int i = 0; i < ep.length; i++) {
            if (!m[i] && ep[i] != ap[i]) {
                diffs.add(String.format("payload byte %d of %d: expected %02x, got %02x", i, ep.length, ep[i],
                        ap[i]));
                break;
            }
        }
        zeroNess(req, ep, ap, diffs);
        return diffs;
    }

    private static boolean[] payloadMask(Request req, int len) {
        boolean[] m = new boolean[len];
        int op = req.opcode();
        long oid = req.header().oid();
        long off = req.header().offset();
        if ((op == Opcode.READ_OBJ || op == Opcode.READ_PEER) && Oid.isVdiObj(oid)) {
            maskAt(m, off, Inode.CREATE_TIME_OFFSET, Inode.SNAP_CTIME_OFFSET + 8);
        } else if ((op == Opcode.READ_OBJ || op == Opcode.READ_PEER) && Oid.isAttrObj(oid)) {
            maskAt(m, off, 512, 520);
        } else if (op == Opcode.GET_NODE_LIST) {
            maskNodes(m, 0, len / SdNode.SIZE);
        } else if (op == Opcode.CLUSTER_INFO) {
            mask(m, 8, 16);
            maskNodes(m, 48, (len - 48) / SdNode.SIZE);
        } else if (op == Opcode.STAT_CLUSTER) {
            int slots = req.header().nodesNr();
            int size = EpochLog.recordSize(slots);
            for (int r = 0; r + size <= len; r += size) {
                mask(m, r, r + 16);
                maskNodes(m, r + EpochLog.HEADER_SIZE, slots);
            }
        }
        return m;
    }

    /** Snapshot times may differ, but whether an inode is a snapshot may not. */
    private static void zeroNess(Request req, byte[] ep, byte[] ap, List<String> diffs) {
        if (req.opcode() != Opcode.READ_OBJ || !Oid.isVdiObj(req.header().oid())) {
            return;
        }
        long start = Inode.SNAP_CTIME_OFFSET - req.header().offset();
        if (start < 0 || start + 8 > ep.length) {
            return;
        }
        long e = ByteBuffer.wrap(ep).order(ByteOrder.LITTLE_ENDIAN).getLong((int) start);
        long a = ByteBuffer.wrap(ap).order(ByteOrder.LITTLE_ENDIAN).getLong((int) start);
        if ((e == 0) != (a == 0)) {
            diffs.add("snap_ctime: expected " + (e == 0 ? "zero" : "set") + ", got " + (a == 0 ? "zero" : "set"));
        }
    }

    /** In each node: the in-memory link (garbage), the port (ours differs), the disk space. */
    private static void maskNodes(boolean[] m, int base, int count) {
        for (int i = 0; i < count; i++) {
            int n = base + i * SdNode.SIZE;
            mask(m, n, n + 24);
            mask(m, n + 24 + 16, n + 24 + 18);
            mask(m, n + 72, n + 80);
        }
    }

    private static void maskAt(boolean[] m, long readOffset, int from, int to) {
        mask(m, (int) Math.max(0, from - readOffset), (int) Math.max(0, to - readOffset));
    }

    private static void mask(boolean[] m, int from, int to) {
        for (int i = Math.max(0, from); i < Math.min(to, m.length); i++) {
            m[i] = true;
        }
    }
}
