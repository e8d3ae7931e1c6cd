package org.sheepdogj.recovery;

import java.util.List;

import org.sheepdogj.cluster.ClusterView;
import org.sheepdogj.peer.ObjectPolicy;
import org.sheepdogj.peer.PeerService;
import org.sheepdogj.protocol.SdNode;
import org.sheepdogj.store.NodeStore;
import org.sheepdogj.store.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node's objects become at a change of epoch ({@code default_update_epoch}): an object this node no longer
 * owns is set aside, tagged with the last epoch in which it was current, so that only objects it owns and holds
 * current stay live. A node that was not a member of the epoch just before (it was down, or is new) cannot know
 * what it missed, so it sets aside everything; recovery then fetches what it owns from fresher copies.
 */
public final class EpochTransition {
    private static final Logger log = LoggerFactory.getLogger(EpochTransition.class);

    private final ObjectStore store;
    private final PeerService peers;
    private final ObjectPolicy policy;
    private final RecoveryTracker tracker;
    /** The epoch in which this node last came back after missing some: no epoch before it is gathered here. */
    private volatile int joinedAt;

    /** {@code memberSince}: the epoch since which the node's records list it without a break. */
    public EpochTransition(ObjectStore store, PeerService peers, ObjectPolicy policy, RecoveryTracker tracker,
                           int memberSince) {
        this.joinedAt = memberSince;
        this.store = store;
        this.peers = peers;
        this.policy = policy;
        this.tracker = tracker;
    }

    /** Sets objects aside and publishes the new view, with no object request in between. */
    public void change(ClusterView after, NodeStore.EpochRecord previous, Runnable publish) {
        peers.switchEpoch(() -> {
            tracker.beginListing();
            int aside = previous == null || previous.epoch() == after.epoch() ? 0 : retire(after, previous);
            publish.run();
            log.info("node {}: epoch {} with {} node(s) {}{}", after.self().nid(), after.epoch(),
                    after.nodes().size(), after.nodes().stream().map(n -> n.nid().label()).toList(),
                    aside > 0 ? ", " + aside + " object(s) set aside" : "");
        });
    }

    private int retire(ClusterView after, NodeStore.EpochRecord previous) {
        boolean continuous = after.isMember() && after.epoch() == previous.epoch() + 1
                && contains(previous.nodes(), after);
        if (!continuous) {
            // outside the cluster (catching up on epochs it missed) nothing is gathered here at all
            joinedAt = after.isMember() ? after.epoch() : Integer.MAX_VALUE;
        }
        int moved = 0;
        for (long oid : store.list()) {
            if (!continuous || !owns(after, oid)) {
                store.moveToStale(oid, previous.epoch());
                moved++;
            }
        }
        if (!continuous && moved > 0) {
            log.info("node {}: {} epoch {}; its {} object(s) are kept only as recovery sources", after.self().nid(),
                    after.isMember() ? "was not in" : "is not in", after.isMember() ? after.epoch() - 1 : after.epoch(),
                    moved);
        }
        return moved;
    }

    private boolean owns(ClusterView v, long oid) {
        return v.ring().replicas(oid, policy.copiesOf(oid)).stream().anyMatch(n -> n.nid().equals(v.self().nid()));
    }

    private static boolean contains(List<SdNode> nodes, ClusterView v) {
        return nodes.stream().anyMatch(n -> n.nid().equals(v.self().nid()));
    }

    /**
     * Every member recovered the gathered epoch: copies set aside before it are no longer needed, since every owner of
     * that epoch holds the object, but only if this node was one of those members, its copies listed in that recovery.
     * A node back from a restart gathers nothing before the epoch it joined: the others recovered without it, and the
     * copies it set aside on joining may be the only ones (one copy, or every holder down at once); they serve as
     * sources, and for comparison with live copies, until the epoch it joined is gathered.
     */
    public void gathered(ClusterView v) {
        int epoch = v.gatheredEpoch();
        if (epoch < joinedAt) {
            return;
        }
        int n = store.purgeStaleBefore(epoch);
        if (n > 0) {
            log.info("epoch {} is gathered: {} set-aside cop{} removed", epoch, n, n == 1 ? "y" : "ies");
        }
    }
}
