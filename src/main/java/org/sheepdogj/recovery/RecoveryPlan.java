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
import org.sheepdogj.peer.RecoveryList;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.SdNode;

/**
 * What this node must fetch in an epoch, and from where: from the object lists of every member (live objects and
 * copies set aside at earlier epochs), each object this node owns on the new ring but does not hold live, with the
 * nodes that have it, the freshest first (live copies, then set-aside copies of later epochs before earlier ones);
 * and how many objects this node owns in all.
 */
record RecoveryPlan(ClusterView view, Map<Long, List<Source>> objects, List<Long> order, int owned) {

    int epoch() {
        return view.epoch();
    }

    /** A node holding a copy, and the epoch of the copy ({@link RecoveryList#LIVE} for a live one). */
    record Source(NodeId node, int tag) {
        long freshness() {
            return tag == RecoveryList.LIVE ? Long.MAX_VALUE : tag;
        }
    }

    /**
     * The members' lists of an epoch as their pages come, of which it keeps only the objects this node owns on the
     * epoch's ring: what it holds stays proportional to this node's share, not to the cluster's objects.
     */
    static final class Gathering {
        private final ClusterView view;
        private final ObjectPolicy policy;
        private final Map<Long, List<Source>> copies = new HashMap<>();

        Gathering(ClusterView view, ObjectPolicy policy) {
            this.view = view;
            this.policy = policy;
        }

        /** Adds a page of {@code node}'s list (16-byte entries: oid, tag, pad). */
        synchronized void add(NodeId node, ByteBuffer page) {
            ByteBuffer b = page.order(ByteOrder.LITTLE_ENDIAN);
            NodeId self = view.self().nid();
            for (int i = 0; i + RecoveryList.ENTRY <= b.limit(); i += RecoveryList.ENTRY) {
                long oid = b.getLong(i);
                List<Source> sources = copies.get(oid);
                if (sources == null) {
                    if (!owns(view, self, oid, policy)) {
                        continue;
                    }
                    sources = new ArrayList<>(2);
                    copies.put(oid, sources);
                }
                sources.add(new Source(node, b.getInt(i + 8)));
            }
        }

        synchronized RecoveryPlan plan() {
            NodeId self = view.self().nid();
            Map<Long, List<Source>> todo = new HashMap<>();
            for (Map.Entry<Long, List<Source>> e : copies.entrySet()) {
                List<Source> sources = e.getValue();
                if (sources.stream().anyMatch(s -> s.node().equals(self) && s.tag() == RecoveryList.LIVE)) {
                    continue;
                }
                List<Source> ranked = new ArrayList<>(sources);
                ranked.sort(Comparator.comparingLong(Source::freshness).reversed()
                        .thenComparing(s -> !s.node().equals(self)));
                todo.put(e.getKey(), ranked);
            }
            List<Long> order = new ArrayList<>(todo.keySet());
            order.sort(Comparator.comparing((Long oid) -> Oid.isDataObj(oid)).thenComparing(Long::compareUnsigned));
            return new RecoveryPlan(view, todo, order, copies.size());
        }
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
