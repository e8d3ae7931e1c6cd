package org.sheepdogj.nbd;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.io.TcpSO;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.sheepdogj.client.RequestChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NBD export of every VDI, over Pekko Streams TCP. Requests reach the VDIs through the node's own request
 * dispatcher (no socket): the same data path, placement and durability as the sheepdog protocol.
 */
public final class NbdServer {
    private static final Logger log = LoggerFactory.getLogger(NbdServer.class);

    private final ActorSystem<?> system;
    private final Exports exports;
    private final int maxPayload;
    private final long bytesInFlight;
    private volatile Tcp.ServerBinding binding;

    /**
     * @param channel the node's dispatcher as a request channel
     * @param maxPayload the largest read or write one request may ask for
     * @param bytesInFlight the bytes of requests one connection may have running at once
     */
    public NbdServer(ActorSystem<?> system, RequestChannel channel, int maxPayload, long bytesInFlight) {
        this.system = system;
        this.exports = new Exports(channel);
        this.maxPayload = maxPayload;
        this.bytesInFlight = bytesInFlight;
    }

    public CompletionStage<Tcp.ServerBinding> bind(String host, int port) {
        return Tcp.get(system).bind(host, port, 256, List.of(TcpSO.tcpNoDelay(true)), false, Optional.empty())
                .to(Sink.foreach(conn -> {
                    String peer = String.valueOf(conn.remoteAddress());
                    conn.handleWith(Flow.fromGraph(new NbdConnection(exports, peer, maxPayload, bytesInFlight))
                            .watchTermination((m, done) -> {
                                done.whenComplete((d, e) -> {
                                    if (e != null) {
                                        log.warn("NBD client {}: connection closed: {}", peer, e.getMessage());
                                    }
                                });
                                return m;
                            }), system);
                }))
                .run(system)
                .thenApply(b -> {
                    binding = b;
                    log.info("NBD export on {}", b.localAddress());
                    return b;
                });
    }

    public CompletionStage<?> unbind() {
        Tcp.ServerBinding b = binding;
        return b == null ? CompletableFuture.completedFuture(null) : b.unbind();
    }
}
