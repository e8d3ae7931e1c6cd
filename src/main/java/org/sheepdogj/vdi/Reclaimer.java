package org.sheepdogj.vdi;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.sheepdogj.peer.ObjectIo;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.ResultCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops references to data objects, a bounded number at a time: in the background ({@code async_update_obj_refcnt}),
 * so that deleting a large VDI neither waits for every object nor floods the replicas; or at once, for a drop that
 * must be done before a client may create the object again.
 */
final class Reclaimer {
    private static final Logger log = LoggerFactory.getLogger(Reclaimer.class);
    private static final int IN_FLIGHT = 16;

    private final ObjectIo objects;
    private final Queue<IndexChange.Drop> queue = new ArrayDeque<>();
    private int running;

    Reclaimer(ObjectIo objects) {
        this.objects = objects;
    }

    /** Drops the reference in the background, after those queued before it. */
    void decref(IndexChange.Drop drop) {
        synchronized (this) {
            queue.add(drop);
        }
        pump();
    }

    /**
     * Drops the references now, beside the background's queue and {@link #IN_FLIGHT} at a time; completes when each
     * is done (a drop that fails is logged and leaves its object in place).
     */
    CompletionStage<Void> decrefNow(List<IndexChange.Drop> drops) {
        Iterator<IndexChange.Drop> next = drops.iterator();
        CompletableFuture<?>[] lanes = new CompletableFuture<?>[Math.min(IN_FLIGHT, drops.size())];
        for (int i = 0; i < lanes.length; i++) {
            CompletableFuture<Void> lane = new CompletableFuture<>();
            runLane(next, lane);
            lanes[i] = lane;
        }
        return CompletableFuture.allOf(lanes);
    }

    /** Drops one after another from {@code next} until none is left; a loop, not a chain, for drops done at once. */
    private void runLane(Iterator<IndexChange.Drop> next, CompletableFuture<Void> lane) {
        while (true) {
            IndexChange.Drop drop;
            synchronized (next) {
                if (!next.hasNext()) {
                    lane.complete(null);
                    return;
                }
                drop = next.next();
            }
            CompletableFuture<Void> done = drop(drop);
            if (!done.isDone()) {
                done.thenRun(() -> runLane(next, lane));
                return;
            }
        }
    }

    private void pump() {
        IndexChange.Drop next;
        synchronized (this) {
            if (running >= IN_FLIGHT || queue.isEmpty()) {
                return;
            }
            running++;
            next = queue.poll();
        }
        drop(next).thenRun(() -> {
            synchronized (this) {
                running--;
            }
            pump();
        });
        pump();
    }

    /** One drop; completes normally whatever its outcome, which is logged when it failed. */
    private CompletableFuture<Void> drop(IndexChange.Drop drop) {
        return objects.decref(drop.dataOid(), drop.generation(), drop.count()).handle((r, e) -> {
            if (e != null || !r.ok()) {
                log.warn("cannot drop a reference to object {}: {}", Oid.hex(drop.dataOid()),
                        e != null ? e.toString() : ResultCode.name(r.result()));
            }
            return (Void) null;
        }).toCompletableFuture();
    }
}
