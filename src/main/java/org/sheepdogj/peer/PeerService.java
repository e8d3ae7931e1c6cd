package org.sheepdogj.peer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

import org.apache.pekko.util.ByteString;
import org.sheepdogj.cluster.ClusterState;
import org.sheepdogj.cluster.ClusterView;
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
    private volatile LongConsumer dataRemover = oid -> { };

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

    public CompletionStage<Response> handle(Request req) {
        RequestHeader h = req.header();
        return switch (h.opcode()) {
            case Opcode.CREATE_AND_WRITE_PEER, Opcode.READ_PEER, Opcode.WRITE_PEER, Opcode.REMOVE_PEER,
                    Opcode.DECREF_PEER -> withEpoch(h, () -> onDisk(() -> objectOp(req)));
            case Opcode.GET_OBJ_LIST -> onDisk(() -> objectList(h));
            case Opcode.GET_HASH -> onDisk(() -> Response.of(ResponseHeader.hash(store.sha1(h.oid()))));
            case Opcode.EXIST -> onDisk(() -> Response.of(store.exists(h.oid()) ? ResultCode.SUCCESS
                    : ResultCode.NO_OBJ));
            case Opcode.OIDS_EXIST -> onDisk(() -> oidsExist(req));
            case Opcode.GET_EPOCH -> onDisk(() -> epochLog(h));
            default -> CompletableFuture.completedFuture(Response.of(ResultCode.INVALID_PARMS));
        };
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
                        req.payload());
                return Response.of(ResultCode.SUCCESS);
            }
            case Opcode.WRITE_PEER -> {
                store.write(oid, h.offset(), req.payload());
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
                return decref(h.oid(), h.refGeneration(), h.refCount());
            }
            default -> {
                return Response.of(ResultCode.INVALID_PARMS);
            }
        }
    }

    /**
     * The generational reference count of a data object ({@code peer_decref_object}): its ledger counts references
     * per generation; when every count is zero no inode refers to the object any more and it goes. Our ledger keeps
     * only the generations in use (the object is ours alone; no client reads it).
     */
    private Response decref(long ledgerOid, int generation, int count) {
        if (generation < 0 || generation > (1 << 20)) {
            return Response.of(ResultCode.INVALID_PARMS);
        }
        boolean reclaim;
        synchronized (ledgerLocks[Long.hashCode(ledgerOid) & (LEDGER_LOCKS - 1)]) {
            boolean exists = store.exists(ledgerOid);
            int[] ledger = exists ? readLedger(ledgerOid) : new int[] {1};
            if (ledger.length < generation + 2) {
                ledger = Arrays.copyOf(ledger, generation + 2);
            }
            ledger[generation]--;
            ledger[generation + 1] += count;
            reclaim = Arrays.stream(ledger).allMatch(x -> x == 0);
            if (reclaim) {
                store.remove(ledgerOid);
            } else {
                ByteBuffer b = ByteBuffer.allocate(ledger.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int x : ledger) {
                    b.putInt(x);
                }
                store.create(ledgerOid, b.capacity(), 0, ByteString.fromArrayUnsafe(b.array()));
            }
        }
        long dataOid = ledgerOid & ~Oid.LEDGER_BIT;
        if (reclaim && isFirstReplica(ledgerOid)) {
            log.debug("object {} is no longer referenced, removing it", Oid.hex(dataOid));
            dataRemover.accept(dataOid);
        }
        return Response.of(ResultCode.SUCCESS);
    }

    private int[] readLedger(long ledgerOid) {
        int len = (int) store.size(ledgerOid);
        ByteBuffer b = store.read(ledgerOid, 0, len).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[len / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt(i * 4);
        }
        return out;
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
