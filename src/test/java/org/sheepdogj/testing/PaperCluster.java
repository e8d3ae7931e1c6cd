package org.sheepdogj.testing;

import java.util.ArrayList;
import java.util.List;

import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.SdNode;

/** A cluster too large for this machine, on paper: its nodes, each in a zone of its own, and its objects. */
public final class PaperCluster {
    public static final int VNODES = 128;

    private PaperCluster() {
    }

    /** {@code count} nodes of {@link #VNODES} vnodes at addresses 10.x.y.z; the same count gives the same nodes. */
    public static List<SdNode> nodes(int count) {
        List<SdNode> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String host = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
            out.add(new SdNode(NodeId.of(host, 7000), VNODES, i, 1L << 40));
        }
        return out;
    }

    /** The {@code i}-th data object: of 4,096 VDIs in turn. */
    public static long oid(int i) {
        return Oid.vidToDataOid(0x100000 + i % 4096, i / 4096);
    }
}
