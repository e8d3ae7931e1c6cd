package org.sheepdogj.vdi;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.sheepdogj.cluster.ClusterState;
import org.sheepdogj.cluster.ClusterView;
import org.sheepdogj.protocol.Names;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.SdNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees the VDI locks no client can release any more, as sheep 1.0 frees a leaving node's locks
 * ({@code remove_node_from_participants}), so that a VM whose node died can be started through another: a lock taken
 * through a node that is no longer a member (freed by the first member, so that one node does it), and a lock taken
 * through this node in an earlier run (freed by this node: the connections of that run's clients ended with it).
 * Each release names the lock it frees ({@link VdiEntity.Release}): a lock taken since is never freed.
 */
final class OrphanedLocks {
    private static final Logger log = LoggerFactory.getLogger(OrphanedLocks.class);

    private final ClusterState cluster;
    private final NodeId self;
    private final Function<VdiState, CompletionStage<Response>> release;
    /** Every LOCK_VDI attempt of this run, noted before it is sent: a lock of this node's with another is older. */
    private final Set<Long> ownAttempts = ConcurrentHashMap.newKeySet();
    private final Set<Integer> releasing = ConcurrentHashMap.newKeySet();

    OrphanedLocks(ClusterState cluster, NodeId self, Function<VdiState, CompletionStage<Response>> release) {
        this.cluster = cluster;
        this.self = self;
        this.release = release;
    }

    /** This run asks for a lock with {@code attempt}. */
    void asking(long attempt) {
        ownAttempts.add(attempt);
    }

    /** Frees the orphaned locks among {@code states} (changed states, or all of them when the members changed). */
    void check(Collection<VdiState> states) {
        ClusterView view = cluster.current();
        if (!view.running() || view.nodes().isEmpty()) {
            return;
        }
        boolean first = view.nodes().get(0).nid().equals(self);
        Set<NodeId> members = view.nodes().stream().map(SdNode::nid).collect(Collectors.toSet());
        for (VdiState s : states) {
            if (!s.locked() || s.lockOwner() == null) {
                continue;
            }
            if (s.lockOwner().equals(self) && !ownAttempts.contains(s.lockAttempt())) {
                free(s, "this node has restarted since it took the lock");
            } else if (first && !members.contains(s.lockOwner())) {
                free(s, "that node has left the cluster");
            }
        }
    }

    private void free(VdiState s, String why) {
        if (!releasing.add(s.vid())) {
            return;
        }
        log.info("VDI {}: freeing {}'s lock, taken through node {}: {}", Names.toUserText(s.name()),
                Integer.toHexString(s.vid()), s.lockOwner(), why);
        release.apply(s).whenComplete((r, e) -> {
            releasing.remove(s.vid());
            if (e != null || !r.ok()) {
                log.warn("VDI {}: the lock of {} stays: {}", Names.toUserText(s.name()), Integer.toHexString(s.vid()),
                        e != null ? e.toString() : "result " + r.result());
            }
        });
    }
}
