package org.sheepdogj.gateway;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.io.Inet;
import org.apache.pekko.io.TcpSO;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.sheepdogj.cluster.ClusterState;
import org.sheepdogj.peer.SocketWrites;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sheepdog protocol over Pekko Streams TCP. Each connection is a stream: bytes are cut into requests (bounded by
 * the byte budgets), up to {@code maxInFlight} run at once and are answered as each completes, in any order, as
 * QEMU expects (it matches answers by id).
 */
public final class SheepdogServer {
    private static final Logger log = LoggerFactory.getLogger(SheepdogServer.class);

    /** Limits of one listener. */
    public record Limits(int maxPayload, int maxInFlight, long connectionBytes, long nodeBytes) {
    }

    private final ActorSystem<?> system;
    private final RequestDispatcher dispatcher;
    private final ClusterState cluster;
    private final Limits limits;
    private final ByteBudget nodeBudget;
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private volatile Tcp.ServerBinding binding;

    public SheepdogServer(ActorSystem<?> system, RequestDispatcher dispatcher, ClusterState cluster, Limits limits) {
        this.system = system;
        this.dispatcher = dispatcher;
        this.cluster = cluster;
        this.limits = limits;
        this.nodeBudget = new ByteBudget(limits.nodeBytes());
    }

    public CompletionStage<Tcp.ServerBinding> bind(String host, int port) {
        List<Inet.SocketOption> options = List.of(TcpSO.tcpNoDelay(true));
        return Tcp.get(system).bind(host, port, 1024, options, false, Optional.empty())
                .to(Sink.foreach(conn -> {
                    InetSocketAddress peer = conn.remoteAddress();
                    connections.incrementAndGet();
                    conn.handleWith(connectionFlow(peer).watchTermination((m, done) -> {
                        done.whenComplete((d, e) -> {
                            connections.decrementAndGet();
                            if (e != null) {
                                log.warn("connection from {} closed: {}", peer, e.getMessage());
                            }
                        });
                        return m;
                    }), system);
                }))
                .run(system)
                .thenApply(b -> {
                    binding = b;
                    log.info("node {}: sheepdog protocol on {}", cluster.current().self().nid(), b.localAddress());
                    return b;
                });
    }

    private Flow<ByteString, ByteString, org.apache.pekko.NotUsed> connectionFlow(InetSocketAddress peer) {
        ByteBudget connectionBudget = new ByteBudget(limits.connectionBytes());
        return Flow.of(ByteString.class)
                .via(new RequestFraming(limits.maxPayload(), connectionBudget, nodeBudget))
                .mapAsyncUnordered(limits.maxInFlight(), admitted -> {
                    inFlight.incrementAndGet();
                    return dispatcher.handle(admitted.request())
                            .exceptionally(e -> Response.of(ResultCode.EIO))
                            .thenApply(resp -> resp.encodeFor(admitted.request().header(),
                                    cluster.current().epoch()))
                            .whenComplete((b, e) -> {
                                inFlight.decrementAndGet();
                                admitted.release();
                            });
                })
                .via(SocketWrites.batched())
                .mapError(new org.apache.pekko.japi.pf.PFBuilder<Throwable, Throwable>()
                        .matchAny(e -> {
                            log.warn("closing connection from {}: {}", peer, e.getMessage());
                            return e;
                        }).build());
    }

    public long openConnections() {
        return connections.get();
    }

    public long requestsInFlight() {
        return inFlight.get();
    }

    public long bytesInFlight() {
        return nodeBudget.used();
    }

    public CompletionStage<?> unbind() {
        Tcp.ServerBinding b = binding;
        return b == null ? java.util.concurrent.CompletableFuture.completedFuture(null) : b.unbind();
    }
}
