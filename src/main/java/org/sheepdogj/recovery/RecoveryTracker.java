package org.sheepdogj.recovery;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

import org.sheepdogj.peer.RecoveryGate;

/**
 * Which objects this node still has to recover in the current epoch. A request for one of them waits until it is
 * here, and asks for it to be recovered first (recover on access). While the objects of a new epoch are being listed
 * every object request waits, since any of them might be one this node does not have yet.
 */
public final class RecoveryTracker implements RecoveryGate {
    private static final CompletableFuture<Void> READY = CompletableFuture.completedFuture(null);

    private final ConcurrentHashMap<Long, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
    private volatile CompletableFuture<Void> listed = READY;
    private volatile LongConsumer prioritize = oid -> { };

    void onAccess(LongConsumer p) {
        this.prioritize = p;
    }

    @Override
    public CompletionStage<Void> ready(long oid) {
        CompletableFuture<Void> l = listed;
        if (!l.isDone()) {
            return l.thenCompose(v -> ready(oid));
        }
        CompletableFuture<Void> f = pending.get(oid);
        if (f == null) {
            return READY;
        }
        prioritize.accept(oid);
        return f;
    }

    /** A new epoch: requests wait until its objects are listed; what an older epoch still had pending is released. */
    public void beginListing() {
        if (listed.isDone()) {
            listed = new CompletableFuture<>();
        }
        releaseAll();
    }

    /** The objects of the epoch this node must still fetch. */
    void listed(Collection<Long> oids) {
        for (long oid : oids) {
            pending.put(oid, new CompletableFuture<>());
        }
        listed.complete(null);
    }

    void recovered(long oid) {
        CompletableFuture<Void> f = pending.remove(oid);
        if (f != null) {
            f.complete(null);
        }
    }

    /** Stops holding anything back (the epoch moved on, or recovery ended). */
    void releaseAll() {
        pending.values().forEach(f -> f.complete(null));
        pending.clear();
    }

    void endListing() {
        listed.complete(null);
    }

    /** Objects of this epoch not recovered yet (requests for them wait). */
    public int pendingCount() {
        return pending.size();
    }
}
