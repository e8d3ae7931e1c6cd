package org.sheepdogj.management;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

import org.apache.pekko.actor.typed.ActorSystem;
import org.sheepdogj.cluster.ClusterView;
import org.sheepdogj.protocol.ClusterInfo;
import org.sheepdogj.protocol.SdNode;
import org.sheepdogj.store.ClusterConfig;

/** Answers the {@code /v1} documents: the cluster from this node's view, the nodes and recovery from their reports. */
final class StatusQueries {
    /** A node that has not answered by then is shown as unreachable rather than holding the page up. */
    private static final Duration REPORT_TIMEOUT = Duration.ofSeconds(3);

    private final ActorSystem<?> system;
    private final LocalNode local;
    private final VdiCatalog vdis;

    StatusQueries(ActorSystem<?> system, LocalNode local, VdiCatalog vdis) {
        this.system = system;
        this.local = local;
        this.vdis = vdis;
    }

    Api.Cluster cluster() {
        ClusterView v = local.view();
        ClusterConfig c = v.config();
        return new Api.Cluster(status(v), v.epoch(), v.epochTime(), c.copies(), c.store(), Api.seconds(c.ctime()),
                c.blockSizeShift(), v.nodes().size(), !v.recoveryDisabled(), local.address());
    }

    /** As {@code dog cluster info} words it. */
    static String status(ClusterView v) {
        return switch (v.status()) {
            case ClusterInfo.STATUS_OK -> "running";
            case ClusterInfo.STATUS_SHUTDOWN -> "shutdown";
            case ClusterInfo.STATUS_KILLED -> "killed";
            default -> v.formatted() ? "waiting for other nodes to join" : "waiting for format";
        };
    }

    CompletionStage<Api.Nodes> nodes() {
        ClusterView v = local.view();
        return perMember(v, (n, r) -> {
            String address = n.nid().label();
            boolean self = n.nid().equals(v.self().nid());
            return r == null
                    ? new Api.Node(address, n.zone(), n.nrVnodes(), n.isGateway(), self, false, null, null, null)
                    : new Api.Node(address, n.zone(), n.nrVnodes(), n.isGateway(), self, true,
                    new Api.Disk(r.diskSize(), r.diskSize() - r.diskFree(), r.diskFree()),
                    new Api.Load(r.requestsInFlight(), r.bytesInFlight(), r.connections()), r.io());
        }).thenApply(list -> new Api.Nodes(v.epoch(), list));
    }

    CompletionStage<Api.Recovery> recovery() {
        ClusterView v = local.view();
        return perMember(v, (n, r) -> new Api.NodeRecovery(n.nid().label(), r != null, r == null ? null
                : r.recovery())).thenApply(list -> new Api.Recovery(v.epoch(), list));
    }

    /** One entry per member of the view's epoch, from its report, or from none if it did not answer in time. */
    private <T> CompletionStage<List<T>> perMember(ClusterView v, BiFunction<SdNode, NodeReport, T> entry) {
        return NodeReporter.gather(system, REPORT_TIMEOUT).thenApply(reports -> {
            List<T> out = new ArrayList<>();
            for (SdNode n : v.nodes()) {
                out.add(entry.apply(n, reports.get(n.nid().label())));
            }
            return out;
        });
    }

    CompletionStage<Api.Vdis> vdis() {
        return vdis.list();
    }
}
