package org.sheepdogj.peer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

import org.apache.pekko.util.ByteString;
import org.sheepdogj.cluster.ClusterState;
import org.sheepdogj.cluster.ClusterView;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResponseHeader;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;
import org.sheepdogj.store.NodeStore;
import org.sheepdogj.store.ObjectStore;
import org.sheepdogj.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica side: serves the peer requests (CREATE_AND_WRITE_PEER, READ_PEER, WRITE_PEER, REMOVE_PEER, DECREF_PEER
 * and the object queries) from this node's store. Disk work runs on the I/O executor. A request of an older epoch
 * is refused with OLD_NODE_VER so its gateway retries on the new ring; one of a newer epoch waits for this node to
 * catch up.
 */
public final class PeerService {
    private static final Logger log = LoggerFactory.getLogger(PeerService.class);
    private static final Duration EPOCH_WAIT = Duration.ofSeconds(10);
    private static final int LEDGER_LOCKS = 64;

    private final NodeStore node;
    private final ObjectStore store;
    private final ClusterState cluster;
    private final Executor io;
    private final ObjectPolicy policy;
    private final Object[] ledgerLocks = new Object[LEDGER_LOCKS];
    private final ReentrantReadWriteLock epochLock = new ReentrantReadWriteLock();
    private volatile LongConsumer dataRemover = oid -> { };
    private volatile RecoveryGate gate = RecoveryGate.OPEN;

    public PeerService(NodeStore node, ClusterState cluster, Executor io, ObjectPolicy policy) {
        this.node = node;
        this.store = node.objects();
        this.cluster = cluster;
        this.io = io;
        this.policy = policy;
        for (int i = 0; i < LEDGER_LOCKS; i++) {
            ledgerLocks[i] = new Object();
        }
    }

    /** Who removes a data object once its ledger says nothing references it (the gateway path, all replicas). */
    public void setDataRemover(LongConsumer remover) {
        this.dataRemover = remover;
    }

    /** Who tells whether an object is still to be recovered here. */
    public void setRecoveryGate(RecoveryGate g) {
        this.gate = g;
    }

    /**
     * Runs a change of epoch (setting aside objects, publishing the new view) while no object request is between
     * its epoch check and its disk work, so that none acts on the old epoch's objects after the change.
     */
    public void switchEpoch(Runnable change) {
        epochLock.writeLock().lock();
        try {
            change.run();
        } finally {
            epochLock.writeLock().unlock();
        }
    }

    public CompletionStage<Response> handle(Request req) {
        RequestHeader h = req.header();
        return switch (h.opcode()) {
            case Opcode.READ_PEER -> h.hasFlag(Flags.RECOVERY) ? withEpoch(h, () -> atEpoch(h, () -> inFormat(h,
                    () -> recoveryRead(h))))
                    : objectRequest(req);
            case Opcode.CREATE_AND_WRITE_PEER, Opcode.WRITE_PEER, Opcode.REMOVE_PEER, Opcode.DECREF_PEER ->
                    objectRequest(req);
            case Opcode.FLUSH_PEER -> onDisk(() -> {
                store.flush(Oid.toVid(h.oid()));
                return Response.of(ResultCode.SUCCESS);
            });
            case Opcode.GET_OBJ_LIST -> h.hasFlag(Flags.RECOVERY) ? withEpoch(h, () -> atEpoch(h, () -> inFormat(h,
                    () -> recoveryList(h))))
                    : onDisk(() -> objectList(h));
            case Opcode.GET_HASH -> onDisk(() -> Response.of(ResponseHeader.hash(store.sha1(h.oid(), h.tgtEpoch()))));
            case Opcode.EXIST -> onDisk(() -> Response.of(store.exists(h.oid()) ? ResultCode.SUCCESS
                    : ResultCode.NO_OBJ));
            case Opcode.OIDS_EXIST -> onDisk(() -> oidsExist(req));
            case Opcode.GET_EPOCH -> onDisk(() -> epochLog(h));
            default -> CompletableFuture.completedFuture(Response.of(ResultCode.INVALID_PARMS));
        };
    }

    /**
     * A recovery request, which names the format it recovers in ({@code obj.cow_oid}: the format's ctime), is served
     * only in that format: a formatted cluster starts again at epoch 1, and a node that has not applied the new format
     * yet would otherwise list and give the objects of the cluster that was (a new VDI of an old name then read them).
     */
    private Response inFormat(RequestHeader h, Supplier<Response> work) {
        long ctime = cluster.current().config().ctime();
        if (h.cowOid() != ctime) {
            return Response.of(Long.compareUnsigned(h.cowOid(), ctime) > 0 ? ResultCode.NEW_NODE_VER
                    : ResultCode.OLD_NODE_VER);
        }
        return work.get();
    }

    /** An object request waits for its epoch and for the object's recovery, then runs in that epoch. */
    private CompletionStage<Response> objectRequest(Request req) {
        RequestHeader h = req.header();
        return withEpoch(h, () -> gate.ready(h.oid()).thenCompose(v -> atEpoch(h, () -> objectOp(req))));
    }

    /** Disk work that must happen in the request's epoch: no epoch change can come between the check and the work. */
    private CompletionStage<Response> atEpoch(RequestHeader h, Supplier<Response> work) {
        return onDisk(() -> {
            epochLock.readLock().lock();
            try {
                int current = cluster.current().epoch();
                if (h.epoch() != current) {
                    return Response.of(h.epoch() < current ? ResultCode.OLD_NODE_VER : ResultCode.NEW_NODE_VER);
                }
                return work.get();
            } finally {
                epochLock.readLock().unlock();
            }
        });
    }

    /**
     * Stores an object recovered from another node, if this node is still in the epoch of {@code recoveredIn}.
     * Completes with false when the epoch moved on (the recovery of that epoch is void).
     */
    public CompletionStage<Boolean> storeRecovered(long oid, ClusterView recoveredIn, ByteString content) {
        return CompletableFuture.supplyAsync(() -> {
            epochLock.readLock().lock();
            try {
                if (!cluster.current().sameEpoch(recoveredIn)) {
                    return false;
                }
                if (!store.exists(oid)) {
                    store.create(oid, content.size(), 0, content);
                }
                return true;
            } finally {
                epochLock.readLock().unlock();
            }
        }, io);
    }

    private CompletionStage<Response> withEpoch(RequestHeader h, Supplier<CompletionStage<Response>> op) {
        ClusterView v = cluster.current();
        if (h.epoch() < v.epoch()) {
            return CompletableFuture.completedFuture(Response.of(ResultCode.OLD_NODE_VER));
        }
        if (h.epoch() > v.epoch()) {
            return cluster.nextChange().orTimeout(EPOCH_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                    .handle((nv, err) -> err == null)
                    .thenCompose(changed -> changed ? withEpoch(h, op)
                            : CompletableFuture.completedFuture(Response.of(ResultCode.NEW_NODE_VER)));
        }
        return op.get();
    }

    private CompletionStage<Response> onDisk(Supplier<Response> work) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.get();
            } catch (StoreException e) {
                if (e.result() != ResultCode.NO_OBJ) {
                    log.error("node {}: {}", cluster.current().self().nid(), e.getMessage());
                }
                return Response.of(e.result());
            }
        }, io);
    }

    private Response objectOp(Request req) {
        RequestHeader h = req.header();
        long oid = h.oid();
        switch (h.opcode()) {
            case Opcode.CREATE_AND_WRITE_PEER -> {
                store.create(oid, Math.max(policy.sizeOf(oid), h.offset() + req.payload().size()), h.offset(),
                        req.payload(), !h.hasFlag(Flags.UNSYNCED));
                return Response.of(ResultCode.SUCCESS);
            }
            case Opcode.WRITE_PEER -> {
                store.write(oid, h.offset(), req.payload(), !h.hasFlag(Flags.UNSYNCED));
                return Response.of(ResultCode.SUCCESS);
            }
            case Opcode.READ_PEER -> {
                return Response.data(store.read(oid, h.offset(), h.dataLength()));
            }
            case Opcode.REMOVE_PEER -> {
                store.remove(oid);
                return Response.of(ResultCode.SUCCESS);
            }
            case Opcode.DECREF_PEER -> {
                return decref(h.oid(), h.refGeneration(), h.refCount(), h.refOperation());
            }
            default -> {
                return Response.of(ResultCode.INVALID_PARMS);
            }
        }
    }

    /**
     * The generational reference count of a data object ({@code peer_decref_object}): its ledger counts references
     * per generation; when every count is zero no inode refers to the object any more and it goes.
     */
    private Response decref(long ledgerOid, int generation, int count, long operation) {
        if (generation < 0 || generation > (1 << 20)) {
            return Response.of(ResultCode.INVALID_PARMS);
        }
        boolean reclaim;
        synchronized (ledgerLocks[Long.hashCode(ledgerOid) & (LEDGER_LOCKS - 1)]) {
            boolean exists = store.exists(ledgerOid);
            Ledger ledger = exists ? Ledger.decode(store.readWhole(ledgerOid, null)) : Ledger.fresh();
            if (!ledger.drop(generation, count, operation)) {
                return Response.of(ResultCode.SUCCESS);
            }
            reclaim = ledger.isZero();
            if (reclaim) {
                store.remove(ledgerOid);
            } else {
                ByteString bytes = ledger.encode();
                store.create(ledgerOid, bytes.size(), 0, bytes);
            }
        }
        long dataOid = ledgerOid & ~Oid.LEDGER_BIT;
        if (reclaim && isFirstReplica(ledgerOid)) {
            log.debug("object {} is no longer referenced, removing it", Oid.hex(dataOid));
            dataRemover.accept(dataOid);
        }
        return Response.of(ResultCode.SUCCESS);
    }

    private boolean isFirstReplica(long oid) {
        ClusterView v = cluster.current();
        List<SdNode> replicas = v.ring().replicas(oid, policy.copiesOf(oid));
        return !replicas.isEmpty() && replicas.get(0).nid().equals(v.self().nid());
    }

    private Response objectList(RequestHeader h) {
        List<Long> oids = store.list();
        if ((long) oids.size() * 8 > h.dataLength()) {
            return Response.of(ResultCode.BUFFER_SMALL);
        }
        ByteBuffer b = ByteBuffer.allocate(oids.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        oids.forEach(b::putLong);
        return Response.data(ByteString.fromArrayUnsafe(b.array()));
    }

    /** GET_OBJ_LIST for recovery: a page of {@link RecoveryList}, from the position in {@code oid}, {@code offset}. */
    private Response recoveryList(RequestHeader h) {
        int capacity = h.dataLength() / RecoveryList.ENTRY;
        if (capacity == 0) {
            return Response.of(ResultCode.BUFFER_SMALL);
        }
        RecoveryList.Position from = new RecoveryList.Position(h.oid(), (int) h.offset());
        return Response.data(ByteString.fromArrayUnsafe(
                RecoveryList.page(store.list(), store.staleCopies(), from, capacity)));
    }

    /** READ_PEER for recovery: the whole live object, or a stale copy ({@code tgt_epoch} is its tag). */
    private Response recoveryRead(RequestHeader h) {
        ByteString whole = store.readWhole(h.oid(), h.tgtEpoch() == RecoveryList.LIVE ? null : h.tgtEpoch());
        if (whole.size() > h.dataLength()) {
            return Response.of(ResultCode.BUFFER_SMALL);
        }
        return Response.data(whole);
    }

    private Response oidsExist(Request req) {
        ByteBuffer in = req.payload().asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        List<Long> missing = new ArrayList<>();
        for (int i = 0; i + 8 <= in.limit(); i += 8) {
            long oid = in.getLong(i);
            if (!store.exists(oid)) {
                missing.add(oid);
            }
        }
        if (missing.isEmpty()) {
            return Response.of(ResultCode.SUCCESS);
        }
        ByteBuffer out = ByteBuffer.allocate(missing.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        missing.forEach(out::putLong);
        return new Response(ResponseHeader.of(ResultCode.NO_OBJ), ByteString.fromArrayUnsafe(out.array()));
    }

    private Response epochLog(RequestHeader h) {
        return node.readEpoch(h.tgtEpoch()).map(rec -> {
            byte[] nodes = SdNode.encodeAll(rec.nodes());
            if (nodes.length + 8 > h.dataLength()) {
                return Response.of(ResultCode.BUFFER_SMALL);
            }
            ByteBuffer b = ByteBuffer.allocate(nodes.length + 8).order(ByteOrder.LITTLE_ENDIAN);
            b.put(nodes).putLong(rec.time());
            return Response.data(ByteString.fromArrayUnsafe(b.array()));
        }).orElse(Response.of(ResultCode.NO_TAG));
    }
}
