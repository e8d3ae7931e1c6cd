package org.sheepdogj.cluster;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The node's current {@link ClusterView}, readable from any thread without a message round trip (every request reads
 * it). Only the {@link ClusterManager} replaces it; others may wait for the next change or subscribe.
 */
public final class ClusterState {
    private final AtomicReference<ClusterView> view;
    private final List<Consumer<ClusterView>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<CompletableFuture<ClusterView>> nextChange =
            new AtomicReference<>(new CompletableFuture<>());

    public ClusterState(ClusterView initial) {
        this.view = new AtomicReference<>(initial);
    }

    public ClusterView current() {
        return view.get();
    }

    /**
     * Completes with the first view that replaces the current one. Each caller gets a future of its own, so that one
     * caller's timeout never completes another's wait.
     */
    public CompletableFuture<ClusterView> nextChange() {
        return nextChange.get().copy();
    }

    public void subscribe(Consumer<ClusterView> listener) {
        listeners.add(listener);
    }

    void publish(ClusterView v) {
        ClusterView old = view.getAndSet(v);
        CompletableFuture<ClusterView> waiting = nextChange.getAndSet(new CompletableFuture<>());
        waiting.complete(v);
        if (old != v) {
            for (Consumer<ClusterView> l : listeners) {
                l.accept(v);
            }
        }
    }
}
