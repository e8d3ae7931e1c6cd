package org.sheepdogj.management;

import java.util.concurrent.CompletionStage;

import org.sheepdogj.cluster.ClusterView;
import org.sheepdogj.store.ObjectStore;

/** This node's own figures, for its metrics, its MBean and its report to the other nodes. */
final class LocalNode {
    private final NodeSources sources;
    private final RequestMetrics requests;

    LocalNode(NodeSources sources, RequestMetrics requests) {
        this.sources = sources;
        this.requests = requests;
    }

    ClusterView view() {
        return sources.cluster().current();
    }

    String address() {
        return view().self().nid().label();
    }

    /** The store's file system; nothing for a gateway, which stores no objects (as STAT_SHEEP answers). */
    ObjectStore.Space space() {
        return view().self().isGateway() ? new ObjectStore.Space(0, 0) : sources.store().space();
    }

    long requestsInFlight() {
        return sources.server().requestsInFlight();
    }

    long bytesInFlight() {
        return sources.server().bytesInFlight();
    }

    long connections() {
        return sources.server().openConnections();
    }

    long recoveryLeft() {
        return sources.recoveryLeft().getAsInt();
    }

    RequestMetrics requests() {
        return requests;
    }

    CompletionStage<RecoveryState> recovery() {
        return sources.recovery().progress()
                .thenApply(p -> RecoveryState.of(p, recoveryLeft(), view().recoveryDisabled()));
    }

    CompletionStage<NodeReport> report() {
        return recovery().thenApply(r -> {
            ObjectStore.Space s = space();
            return new NodeReport(address(), s.size(), s.free(), requestsInFlight(), bytesInFlight(), connections(),
                    requests.io(), r);
        });
    }
}
