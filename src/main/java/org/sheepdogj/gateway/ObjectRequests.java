package org.sheepdogj.gateway;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.util.ByteString;
import org.sheepdogj.cache.ObjectCache;
import org.sheepdogj.peer.ObjectIo;
import org.sheepdogj.peer.ObjectPolicy;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.vdi.VdiService;

/**
 * The client's object requests (CREATE_AND_WRITE_OBJ, READ_OBJ, WRITE_OBJ, REMOVE_OBJ, DECREF_OBJ): checked against
 * the object's size and the read-only rule of snapshots, then carried to the replicas. Writes to inode objects go to
 * the VDI's actor, which keeps references right.
 */
final class ObjectRequests {
    private final ObjectIo objects;
    private final ObjectPolicy policy;
    private final VdiService vdis;
    private final ObjectCache cache;

    /** With a null {@code cache}, requests go to the replicas whatever they ask for. */
    ObjectRequests(ObjectIo objects, VdiService vdis, ObjectCache cache) {
        this.objects = objects;
        this.policy = objects.policy();
        this.vdis = vdis;
        this.cache = cache;
    }

    /** The client asked for write-back caching (QEMU's default) and this node has an object cache. */
    private boolean cached(RequestHeader h) {
        return cache != null && h.hasFlag(Flags.CACHE) && !h.hasFlag(Flags.DIRECT) && ObjectCache.cacheable(h.oid());
    }

    CompletionStage<Response> read(Request req) {
        RequestHeader h = req.header();
        if (outOfBounds(h, h.dataLength())) {
            return invalid();
        }
        if (cached(h)) {
            return cache.read(h.oid(), h.offset(), h.dataLength(), h.copies());
        }
        return objects.read(h.oid(), h.offset(), h.dataLength(), h.copies());
    }

    CompletionStage<Response> write(Request req) {
        RequestHeader h = req.header();
        if (Oid.isVdiObj(h.oid())) {
            return vdis.writeInode(req, false);
        }
        Response refused = refusal(h, req.payload().size());
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        if (cached(h)) {
            return cache.write(h.oid(), h.offset(), req.payload(), h.copies());
        }
        return objects.write(h.oid(), h.offset(), req.payload(), h.copies(), durable(h));
    }

    private static boolean durable(RequestHeader h) {
        return !h.hasFlag(Flags.UNSYNCED);
    }

    /**
     * FLUSH_VDI: with the UNSYNCED flag, the VDI's unsynced writes are made durable on every node. Without it the
     * answer is sheep 1.0's: INVALID_PARMS, since every other write is durable when acknowledged (QEMU then stops
     * sending flushes).
     */
    CompletionStage<Response> flush(Request req) {
        int vid = Oid.toVid(req.header().oid());
        boolean unsynced = req.header().hasFlag(Flags.UNSYNCED);
        if (cache != null) {
            return cache.flush(vid).thenCompose(r -> r.ok() && unsynced ? objects.flush(vid)
                    : CompletableFuture.completedFuture(r));
        }
        return unsynced ? objects.flush(vid) : invalid();
    }

    /** DELETE_CACHE and CACHE_PURGE: the cached objects of a VDI (or of all with no VDI) are flushed and dropped. */
    CompletionStage<Response> purgeCache(Request req) {
        if (cache == null) {
            return CompletableFuture.completedFuture(Response.of(ResultCode.SUCCESS));
        }
        long oid = req.header().oid();
        return cache.purge(oid == 0 ? -1 : Oid.toVid(oid));
    }

    /** GET_CACHE_INFO. */
    CompletionStage<Response> cacheInfo() {
        return CompletableFuture.completedFuture(cache == null ? Response.of(ResultCode.NO_SUPPORT) : cache.info());
    }

    /**
     * A new object of full size ({@code gateway_create_and_write_obj}); with COW it starts as a copy of
     * {@code cow_oid}, read whole unless the write covers the whole object.
     */
    CompletionStage<Response> create(Request req) {
        RequestHeader h = req.header();
        if (Oid.isVdiObj(h.oid())) {
            return vdis.writeInode(req, true);
        }
        Response refused = refusal(h, req.payload().size());
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        long size = policy.sizeOf(h.oid());
        CompletionStage<Void> uncached = cache == null ? CompletableFuture.completedFuture(null)
                : cache.invalidate(h.oid());
        if (!h.hasFlag(Flags.COW) || req.payload().size() == size) {
            return uncached.thenCompose(v -> objects.create(h.oid(), h.offset(), req.payload(), h.copies(),
                    durable(h)));
        }
        CompletionStage<Response> source = cache != null ? cache.read(h.cowOid(), 0, (int) size, 0)
                : objects.read(h.cowOid(), 0, (int) size, 0);
        return uncached.thenCompose(v -> source).thenCompose(src -> {
            if (!src.ok()) {
                return CompletableFuture.completedFuture(src);
            }
            ByteString base = src.payload();
            int off = (int) h.offset();
            ByteString merged = base.take(off).concat(req.payload())
                    .concat(base.drop(off + req.payload().size()));
            return objects.create(h.oid(), 0, merged, h.copies(), durable(h));
        });
    }

    CompletionStage<Response> remove(Request req) {
        long oid = req.header().oid();
        if (Oid.isMetaObj(oid)) {
            return invalid();
        }
        CompletionStage<Void> uncached = cache == null ? CompletableFuture.completedFuture(null)
                : cache.invalidate(oid);
        return uncached.thenCompose(v -> objects.remove(oid, req.header().copies()));
    }

    CompletionStage<Response> decref(Request req) {
        RequestHeader h = req.header();
        return objects.decref(h.oid() & ~Oid.LEDGER_BIT, h.refGeneration(), h.refCount());
    }

    /** Why a write or create of a data object may not run (out of bounds, or a snapshot's), or null. */
    private Response refusal(RequestHeader h, long length) {
        if (outOfBounds(h, length)) {
            return Response.of(ResultCode.INVALID_PARMS);
        }
        return policy.isReadonly(h.oid()) ? Response.of(ResultCode.READONLY) : null;
    }

    /**
     * Data and VM-state objects have a fixed size; no request may reach past it or past the flat index. The node's
     * own metadata objects are not for clients at all.
     */
    private boolean outOfBounds(RequestHeader h, long length) {
        long oid = h.oid();
        if (Oid.isMetaObj(oid)) {
            return true;
        }
        if (Oid.isDataObj(oid) || Oid.isVmstateObj(oid)) {
            if (Oid.dataIndex(oid) >= Inode.DATA_INDEX_COUNT) {
                return true;
            }
        }
        long size = policy.sizeOf(oid);
        return size > 0 && h.offset() + length > size;
    }

    private static CompletionStage<Response> invalid() {
        return CompletableFuture.completedFuture(Response.of(ResultCode.INVALID_PARMS));
    }
}
