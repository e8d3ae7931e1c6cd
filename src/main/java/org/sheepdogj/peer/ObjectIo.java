package org.sheepdogj.peer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.pekko.util.ByteString;
import org.sheepdogj.cluster.ClusterState;
import org.sheepdogj.cluster.ClusterView;
import org.sheepdogj.protocol.ClusterFlags;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.ProtocolVersion;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;

/**
 * The gateway's access to objects ({@code sheep/gateway.c}): it works out the replicas of an object on the current
 * ring and reaches each through a peer request. A write, create or remove succeeds only when every replica of the
 * epoch has it (durably, the replica acknowledges after its sync); a read is served by one replica, this node first,
 * the others if it fails. When the ring changes under a request (a replica gone, an epoch behind or ahead), the
 * request is sent again on the next ring for a bounded time.
 */
public final class ObjectIo {
    private static final Duration RETRY_WINDOW = Duration.ofSeconds(60);
    private static final Duration RING_WAIT = Duration.ofSeconds(1);

    private final ClusterState cluster;
    private final PeerTransport transport;
    private final ObjectPolicy policy;
    /** The attempts under way, so that the end of their epoch can release them. */
    private final Set<Attempt> running = ConcurrentHashMap.newKeySet();

    public ObjectIo(ClusterState cluster, PeerTransport transport, ObjectPolicy policy) {
        this.cluster = cluster;
        this.transport = transport;
        this.policy = policy;
        cluster.subscribe(this::epochChanged);
    }

    public ObjectPolicy policy() {
        return policy;
    }

    public CompletionStage<Response> read(long oid, long offset, int length, int copies) {
        return retrying(view -> readOnce(view, oid, offset, length, copies));
    }

    public CompletionStage<Response> write(long oid, long offset, ByteString data, int copies) {
        return write(oid, offset, data, copies, true);
    }

    /** A write; when not {@code durable}, the replicas acknowledge before their disk sync ({@link #flush} later). */
    public CompletionStage<Response> write(long oid, long offset, ByteString data, int copies, boolean durable) {
        return toAll(Opcode.WRITE_PEER, Flags.WRITE | unsynced(durable), oid, offset, data, copies);
    }

    /** Creates (or replaces) the object: zeros but for {@code data} at {@code offset}. */
    public CompletionStage<Response> create(long oid, long offset, ByteString data, int copies) {
        return create(oid, offset, data, copies, true);
    }

    public CompletionStage<Response> create(long oid, long offset, ByteString data, int copies, boolean durable) {
        return toAll(Opcode.CREATE_AND_WRITE_PEER, Flags.WRITE | unsynced(durable), oid, offset, data, copies);
    }

    private static int unsynced(boolean durable) {
        return durable ? 0 : Flags.UNSYNCED;
    }

    /** Makes the unsynced writes of a VDI durable on every node that stores objects. */
    public CompletionStage<Response> flush(int vid) {
        return retrying(view -> {
            RequestHeader h = new RequestHeader(ProtocolVersion.SHEEP, Opcode.FLUSH_PEER, 0, view.epoch(), 0, 0,
                    Oid.vidToDataOid(vid, 0), 0, 0, 0);
            List<CompletableFuture<Response>> answers = new ArrayList<>();
            for (SdNode n : view.nodes()) {
                if (!n.isGateway()) {
                    answers.add(transport.send(n.nid(), Request.of(h)).toCompletableFuture());
                }
            }
            return CompletableFuture.allOf(answers.toArray(new CompletableFuture[0])).thenApply(v -> answers.stream()
                    .map(CompletableFuture::join).filter(r -> !r.ok()).findFirst()
                    .orElse(Response.of(ResultCode.SUCCESS)));
        });
    }

    public CompletionStage<Response> remove(long oid, int copies) {
        return toAll(Opcode.REMOVE_PEER, 0, oid, 0, ByteString.emptyByteString(), copies);
    }

    /**
     * Drops one reference to a data object ({@code sd_dec_object_refcnt}): an object of generation 0 that nothing
     * shares is removed at once; otherwise its ledger on every replica counts the reference down.
     */
    public CompletionStage<Response> decref(long dataOid, int generation, int count) {
        if (generation == 0 && count == 0) {
            return remove(dataOid, 0);
        }
        long ledgerOid = Oid.ledgerOid(dataOid);
        long operation = ThreadLocalRandom.current().nextLong();
        return retrying(view -> {
            int copies = policy.copiesOf(ledgerOid);
            RequestHeader h = RequestHeader.ref(Opcode.DECREF_PEER, ledgerOid, generation, count, operation)
                    .withEpoch(view.epoch());
            return fanOut(view, ledgerOid, copies, Request.of(h), true);
        });
    }

    private CompletionStage<Response> toAll(int peerOpcode, int flags, long oid, long offset, ByteString data,
                                            int copies) {
        return retrying(view -> {
            int n = copies == 0 ? policy.copiesOf(oid) : copies;
            RequestHeader h = new RequestHeader(ProtocolVersion.SHEEP, peerOpcode, flags, view.epoch(), 0,
                    data.size(), oid, 0, n & 0xff, offset);
            return fanOut(view, oid, n, new Request(h, data), true);
        });
    }

    private CompletionStage<Response> fanOut(ClusterView view, long oid, int copies, Request req, boolean write) {
        List<SdNode> replicas = view.ring().replicas(oid, copies);
        if (replicas.isEmpty()) {
            return CompletableFuture.completedFuture(Response.of(ResultCode.HALT));
        }
        boolean strict = (view.config().flags() & ClusterFlags.STRICT) != 0;
        if (write && strict && view.ring().zoneCount() < copies) {
            return CompletableFuture.completedFuture(Response.of(ResultCode.HALT));
        }
        if (replicas.size() == 1) {
            return transport.send(replicas.get(0).nid(), req);
        }
        List<CompletableFuture<Response>> answers = new ArrayList<>(replicas.size());
        for (SdNode n : replicas) {
            answers.add(transport.send(n.nid(), req).toCompletableFuture());
        }
        return CompletableFuture.allOf(answers.toArray(new CompletableFuture[0])).thenApply(v -> {
            for (CompletableFuture<Response> a : answers) {
                Response r = a.join();
                if (!r.ok()) {
                    return r;
                }
            }
            return answers.get(0).join();
        });
    }

    private CompletionStage<Response> readOnce(ClusterView view, long oid, long offset, int length, int copies) {
        int n = copies == 0 ? policy.copiesOf(oid) : copies;
        List<SdNode> replicas = new ArrayList<>(view.ring().replicas(oid, n));
        if (replicas.isEmpty()) {
            return CompletableFuture.completedFuture(Response.of(ResultCode.HALT));
        }
        int local = -1;
        for (int i = 0; i < replicas.size(); i++) {
            if (replicas.get(i).nid().equals(view.self().nid())) {
                local = i;
            }
        }
        if (local > 0) {
            replicas.add(0, replicas.remove(local));
        }
        RequestHeader h = new RequestHeader(ProtocolVersion.SHEEP, Opcode.READ_PEER, 0, view.epoch(), 0, length, oid,
                0, n & 0xff, offset);
        return readFrom(replicas, 0, Request.of(h), null);
    }

    /** Tries the replicas in turn: a replica that fails or cannot be reached hands the read to the next. */
    private CompletionStage<Response> readFrom(List<SdNode> replicas, int i, Request req, Response lastError) {
        if (i >= replicas.size()) {
            return CompletableFuture.completedFuture(lastError);
        }
        return transport.send(replicas.get(i).nid(), req).thenCompose(r -> {
            if (r.ok() || (isEpochTrouble(r.result()) && r.result() != ResultCode.NETWORK_ERROR)) {
                return CompletableFuture.completedFuture(r);
            }
            return readFrom(replicas, i + 1, req, r);
        });
    }

    /**
     * The attempt's answer, or NETWORK_ERROR as soon as the epoch it was made in ends: a replica that died may never
     * answer, and the next ring no longer has it (the request goes again to the new owners; every request the
     * gateway retries is idempotent).
     */
    private CompletionStage<Response> guarded(int epoch, CompletionStage<Response> attempt) {
        CompletableFuture<Response> guard = new CompletableFuture<>();
        Attempt a = new Attempt(epoch, guard);
        running.add(a);
        if (cluster.current().epoch() != epoch) {
            guard.complete(Response.of(ResultCode.NETWORK_ERROR));
        }
        attempt.whenComplete((r, e) -> {
            if (e != null) {
                guard.completeExceptionally(e);
            } else {
                guard.complete(r);
            }
        });
        return guard.whenComplete((r, e) -> running.remove(a));
    }

    private record Attempt(int epoch, CompletableFuture<Response> answer) {
    }

    private void epochChanged(ClusterView view) {
        for (Attempt a : running) {
            if (a.epoch() != view.epoch()) {
                a.answer().complete(Response.of(ResultCode.NETWORK_ERROR));
            }
        }
    }

    /** Answers that mean "try again on the next ring" ({@code gateway_op_done}). */
    private static boolean isEpochTrouble(int result) {
        return result == ResultCode.NETWORK_ERROR || result == ResultCode.OLD_NODE_VER
                || result == ResultCode.NEW_NODE_VER || result == ResultCode.WAIT_FOR_JOIN
                || result == ResultCode.WAIT_FOR_FORMAT || result == ResultCode.KILLED;
    }

    private CompletionStage<Response> retrying(Function<ClusterView, CompletionStage<Response>> attempt) {
        long deadline = System.nanoTime() + RETRY_WINDOW.toNanos();
        return attemptUntil(attempt, deadline);
    }

    private CompletionStage<Response> attemptUntil(Function<ClusterView, CompletionStage<Response>> attempt,
                                                   long deadline) {
        ClusterView view = cluster.current();
        return guarded(view.epoch(), attempt.apply(view)).thenCompose(r -> {
            if (!isEpochTrouble(r.result()) || System.nanoTime() > deadline) {
                return CompletableFuture.completedFuture(r);
            }
            return cluster.nextChange().completeOnTimeout(view, RING_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                    .thenCompose(v -> attemptUntil(attempt, deadline));
        });
    }
}
