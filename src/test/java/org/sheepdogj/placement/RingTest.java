package org.sheepdogj.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.SdNode;

/** Placement as sheep computes it: the vectors of sheepdog's functional test 048 (128 vnodes, zones 0..4). */
class RingTest {
    private static Ring ring(int... ports) {
        List<SdNode> nodes = new ArrayList<>();
        for (int p : ports) {
            nodes.add(new SdNode(NodeId.of("127.0.0.1", p), 128, p - 7000, 1L << 40));
        }
        return new Ring(nodes);
    }

    private static List<Integer> ports(Ring r, long oid, int copies) {
        return r.replicas(oid, copies).stream().map(n -> n.nid().port()).toList();
    }

    @Test
    void fiveNodes() {
        Ring r = ring(7000, 7001, 7002, 7003, 7004);
        assertEquals(List.of(7002, 7004, 7001), ports(r, 0x807c2b2500000000L, 3));
        assertEquals(List.of(7000, 7001, 7003), ports(r, 0x007c2b2500000001L, 3));
    }

    @Test
    void afterNodesLeave() {
        assertEquals(List.of(7002, 7004, 7001), ports(ring(7001, 7002, 7003, 7004), 0x807c2b2500000000L, 3));
        assertEquals(List.of(7002, 7001, 7003), ports(ring(7001, 7002, 7003), 0x807c2b2500000000L, 3));
        assertEquals(List.of(7001, 7003, 7002), ports(ring(7001, 7002, 7003), 0x007c2b2500000001L, 3));
    }

    @Test
    void copiesNeverExceedZones() {
        List<SdNode> sameZone = List.of(new SdNode(NodeId.of("127.0.0.1", 7000), 128, 1, 1),
                new SdNode(NodeId.of("127.0.0.1", 7001), 128, 1, 1));
        Ring r = new Ring(sameZone);
        assertEquals(1, r.zoneCount());
        assertEquals(1, r.replicas(0x123L, 3).size(), "a cluster whose nodes share one zone stores one copy");
    }

    @Test
    void gatewaysHoldNothing() {
        List<SdNode> nodes = List.of(new SdNode(NodeId.of("127.0.0.1", 7000), 0, 0, 0),
                new SdNode(NodeId.of("127.0.0.1", 7001), 128, 1, 1));
        Ring r = new Ring(nodes);
        for (long oid = 0; oid < 100; oid++) {
            assertEquals(7001, r.replicas(oid, 2).get(0).nid().port());
        }
    }
}
