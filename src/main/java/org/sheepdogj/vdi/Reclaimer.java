package org.sheepdogj.vdi;

import java.util.ArrayDeque;
import java.util.Queue;

import org.sheepdogj.peer.ObjectIo;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.ResultCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops references to data objects in the background ({@code async_update_obj_refcnt}), a bounded number at a time,
 * so that deleting a large VDI neither waits for every object nor floods the replicas.
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

    void decref(IndexChange.Drop drop) {
        synchronized (this) {
            queue.add(drop);
        }
        pump();
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
        objects.decref(next.dataOid(), next.generation(), next.count()).whenComplete((r, e) -> {
            if (e != null || !r.ok()) {
                log.warn("cannot drop a reference to object {}: {}", Oid.hex(next.dataOid()),
                        e != null ? e.toString() : ResultCode.name(r.result()));
            }
            synchronized (this) {
                running--;
            }
            pump();
        });
        pump();
    }

    /** References not yet dropped. */
    synchronized int pending() {
        return queue.size() + running;
    }
}
