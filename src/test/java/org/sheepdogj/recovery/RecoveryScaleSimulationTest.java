package org.sheepdogj.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.sheepdogj.cluster.ClusterView;
import org.sheepdogj.peer.RecoveryList;
import org.sheepdogj.placement.Ring;
import org.sheepdogj.protocol.ClusterInfo;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.SdNode;
import org.sheepdogj.store.ClusterConfig;
import org.sheepdogj.testing.PaperCluster;

/**
 * A node joining a cluster of 1,000 nodes, on paper, with the real placement and the real gathering of the members'
 * object lists: of every member's list it keeps only the objects it owns on the new ring, about 3/N of the cluster's
 * objects, so what it holds while it lists grows with its share, not with the cluster (before, it held every copy of
 * every object until the lists were all in).
 */
class RecoveryScaleSimulationTest {
    private static final int NODES = 1000;
    private static final int COPIES = 3;
    private static final int OBJECTS = 1_000_000;

    @Test
    void aJoiningNodeKeepsOnlyItsShareOfTheMembersLists() {
        List<SdNode> members = PaperCluster.nodes(NODES);
        List<SdNode> after = PaperCluster.nodes(NODES + 1);
        SdNode joiner = after.get(NODES);
        Ring before = new Ring(members);
        Ring ring = new Ring(after);

        Map<NodeId, List<Long>> lists = new HashMap<>();
        int owned = 0;
        for (int i = 0; i < OBJECTS; i++) {
            long oid = PaperCluster.oid(i);
            for (SdNode n : before.replicas(oid, COPIES)) {
                lists.computeIfAbsent(n.nid(), k -> new ArrayList<>()).add(oid);
            }
            if (ring.replicas(oid, COPIES).stream().anyMatch(n -> n.nid().equals(joiner.nid()))) {
                owned++;
            }
        }

        ClusterConfig config = new ClusterConfig(1000, 0, COPIES, "plain", false, 0, 22, 0);
        ClusterView view = ClusterView.initial(joiner, config).next(config, 2, 1002, after, ClusterInfo.STATUS_OK,
                false, 0);
        RecoveryPlan.Gathering gathering = new RecoveryPlan.Gathering(view, new FixedPolicy(COPIES, 4 << 20));
        long entries = 0;
        for (Map.Entry<NodeId, List<Long>> list : lists.entrySet()) {
            gathering.add(list.getKey(), page(list.getValue()));
            entries += list.getValue().size();
        }
        RecoveryPlan plan = gathering.plan();
        System.out.printf("a node joins %d nodes holding %d objects x %d copies: %d entries listed, it keeps %d"
                + " objects (%.2f/N of the objects, %.5f of the entries), all %d to fetch%n", NODES, OBJECTS, COPIES,
                entries, plan.owned(), (double) plan.owned() / OBJECTS * (NODES + 1), (double) plan.owned() / entries,
                plan.order().size());
        assertEquals(owned, plan.owned(), "the objects the joiner owns on the new ring");
        assertEquals(owned, plan.order().size(), "a new node fetches everything it owns");
        assertTrue(plan.owned() < 4.5 * OBJECTS / NODES, "about 3/N of the objects: " + plan.owned());
    }

    private static ByteBuffer page(List<Long> oids) {
        ByteBuffer b = ByteBuffer.allocate(oids.size() * RecoveryList.ENTRY).order(ByteOrder.LITTLE_ENDIAN);
        oids.forEach(oid -> b.putLong(oid).putInt(RecoveryList.LIVE).putInt(0));
        return b.flip();
    }
}
