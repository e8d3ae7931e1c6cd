package org.sheepdogj.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code struct sd_node} (80 bytes): 24 bytes of an in-memory tree link (zero on our wire), the node id, the number of
 * virtual nodes, the zone and the bytes of storage (0 for a gateway-only node).
 */
public record SdNode(NodeId nid, int nrVnodes, int zone, long space) implements Comparable<SdNode> {
    public static final int SIZE = 80;

    public void encode(ByteBuffer out) {
        ByteBuffer b = out.slice().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 24; i++) {
            b.put(i, (byte) 0);
        }
        b.position(24);
        nid.encode(b);
        b.putShort(64, (short) nrVnodes).putShort(66, (short) 0).putInt(68, zone).putLong(72, space);
        out.position(out.position() + SIZE);
    }

    public static SdNode decode(ByteBuffer in) {
        ByteBuffer b = in.slice().order(ByteOrder.LITTLE_ENDIAN);
        b.position(24);
        NodeId nid = NodeId.decode(b);
        return new SdNode(nid, b.getShort(64) & 0xffff, b.getInt(68), b.getLong(72));
    }

    public static byte[] encodeAll(List<SdNode> nodes) {
        ByteBuffer b = ByteBuffer.allocate(nodes.size() * SIZE);
        for (SdNode n : nodes) {
            n.encode(b);
        }
        return b.array();
    }

    public static List<SdNode> decodeAll(ByteBuffer in, int count) {
        List<SdNode> out = new ArrayList<>(count);
        ByteBuffer b = in.slice();
        for (int i = 0; i < count && b.remaining() >= SIZE; i++) {
            out.add(decode(b));
            b.position(b.position() + SIZE);
        }
        return out;
    }

    public boolean isGateway() {
        return nrVnodes == 0;
    }

    @Override
    public int compareTo(SdNode o) {
        return nid.compareTo(o.nid);
    }
}
