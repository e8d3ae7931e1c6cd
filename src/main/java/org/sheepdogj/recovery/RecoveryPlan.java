package org.sheepdogj.recovery;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.sheepdogj.cluster.ClusterView;
import org.sheepdogj.peer.ObjectPolicy;
import org.sheepdogj.peer.PeerService;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.SdNode;

/**
 * What this node must fetch in an epoch, and from where: from the object lists of every member (live objects and
 * copies set aside at earlier epochs), each object this node owns on the new ring but does not hold live, with the
 * nodes that have it, the freshest first (live copies, then set-aside copies of later epochs before earlier ones).
 */
record RecoveryPlan(ClusterView view, Map<Long, List<Source>> objects, List<Long> order) {

    int epoch() {
        return view.epoch();
    }

    /** A node holding a copy, and the epoch of the copy ({@link PeerService#LIVE} for a live one). */
    record Source(NodeId node, int tag) {
        long freshness() {
            return tag == PeerService.LIVE ? Long.MAX_VALUE : tag;
        }
    }

    /** Decodes a recovery object list (16-byte entries: oid, tag, pad) of one node into {@code into}. */
    static void addList(NodeId node, ByteBuffer list, Map<Long, List<Source>> into) {
        ByteBuffer b = list.order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + PeerService.RECOVERY_ENTRY <= b.limit(); i += PeerService.RECOVERY_ENTRY) {
            into.computeIfAbsent(b.getLong(i), k -> new ArrayList<>()).add(new Source(node, b.getInt(i + 8)));
        }
    }

    static RecoveryPlan of(ClusterView view, Map<Long, List<Source>> copies, ObjectPolicy policy) {
        NodeId self = view.self().nid();
        Map<Long, List<Source>> todo = new HashMap<>();
        for (Map.Entry<Long, List<Source>> e : copies.entrySet()) {
            long oid = e.getKey();
            List<Source> sources = e.getValue();
            boolean haveLive = sources.stream().anyMatch(s -> s.node().equals(self) && s.tag() == PeerService.LIVE);
            if (haveLive || !owns(view, self, oid, policy)) {
                continue;
            }
            List<Source> ranked = new ArrayList<>(sources);
            ranked.sort(Comparator.comparingLong(Source::freshness).reversed()
                    .thenComparing(s -> !s.node().equals(self)));
            todo.put(oid, ranked);
        }
        List<Long> order = new ArrayList<>(todo.keySet());
        order.sort(Comparator.comparing((Long oid) -> Oid.isDataObj(oid)).thenComparing(Long::compareUnsigned));
        return new RecoveryPlan(view, todo, order);
    }

    private static boolean owns(ClusterView view, NodeId self, long oid, ObjectPolicy policy) {
        for (SdNode n : view.ring().replicas(oid, policy.copiesOf(oid))) {
            if (n.nid().equals(self)) {
                return true;
            }
        }
        return false;
    }
}
