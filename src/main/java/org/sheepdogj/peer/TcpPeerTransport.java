package org.sheepdogj.peer;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.pekko.Done;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.io.TcpSO;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.sheepdogj.protocol.FrameParser;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Peer requests to other nodes over Pekko Streams TCP, on the node's sheepdog port. One long-lived connection per
 * node carries many requests at once (in batches, {@link PeerBatch}); answers are matched by id. A lost connection
 * fails its requests with NETWORK_ERROR (the gateway then retries on the next ring) and is opened again by the next
 * request.
 */
public final class TcpPeerTransport implements PeerTransport {
    private static final Logger log = LoggerFactory.getLogger(TcpPeerTransport.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final int QUEUE = 4096;

    private final ActorSystem<?> system;
    private final int maxPayload;
    private final Duration requestTimeout;
    private final Map<NodeId, Connection> connections = new ConcurrentHashMap<>();

    public TcpPeerTransport(ActorSystem<?> system, int maxPayload) {
        this(system, maxPayload, REQUEST_TIMEOUT);
    }

    /** With {@code requestTimeout}: how long a peer may leave a request unanswered before it fails. */
    TcpPeerTransport(ActorSystem<?> system, int maxPayload, Duration requestTimeout) {
        this.system = system;
        this.maxPayload = maxPayload;
        this.requestTimeout = requestTimeout;
    }

    @Override
    public CompletionStage<Response> send(NodeId target, Request request) {
        try {
            Connection c = connections.compute(target, (k, old) -> old != null && old.alive() ? old : open(k));
            return c.send(request);
        } catch (IllegalStateException stopping) {
            return CompletableFuture.completedFuture(Response.of(ResultCode.NETWORK_ERROR));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return String.valueOf(c.getMessage());
    }

    private Connection open(NodeId target) {
        return new Connection(target);
    }

    /** One TCP connection to a peer and the requests waiting on it. */
    private final class Connection {
        private final NodeId target;
        private final BoundedSourceQueue<PeerBatch.Outgoing> queue;
        private final Map<Integer, CompletableFuture<Response>> waiting = new ConcurrentHashMap<>();
        private final AtomicInteger ids = new AtomicInteger();
        private volatile boolean alive = true;

        Connection(NodeId target) {
            this.target = target;
            InetSocketAddress address = new InetSocketAddress(target.host(), target.port());
            Pair<BoundedSourceQueue<PeerBatch.Outgoing>, CompletionStage<Done>> run =
                    Source.<PeerBatch.Outgoing>queue(QUEUE)
                    .via(PeerBatch.flow())
                    .via(Tcp.get(system).outgoingConnection(address, Optional.empty(),
                            List.of(TcpSO.tcpNoDelay(true)), true, Optional.of(CONNECT_TIMEOUT), Optional.empty()))
                    .statefulMapConcat(() -> {
                        FrameParser<Response> parser = FrameParser.responses(maxPayload);
                        return bytes -> {
                            parser.append(bytes);
                            List<Response> out = new ArrayList<>();
                            for (Response r = parser.poll(); r != null; r = parser.poll()) {
                                out.add(r);
                            }
                            return out;
                        };
                    })
                    .toMat(Sink.foreach(this::answered), Keep.both())
                    .run(system);
            this.queue = run.first();
            run.second().whenComplete((done, e) -> fail(e == null ? "connection closed" : rootMessage(e)));
        }

        boolean alive() {
            return alive;
        }

        CompletionStage<Response> send(Request request) {
            int id = ids.incrementAndGet();
            CompletableFuture<Response> answer = new CompletableFuture<>();
            waiting.put(id, answer);
            QueueOfferResult offered = queue.offer(
                    new PeerBatch.Outgoing(new Request(request.header().withId(id), request.payload()), answer));
            if (offered != QueueOfferResult.enqueued()) {
                waiting.remove(id);
                fail("the connection does not accept requests (" + offered + ")");
                return CompletableFuture.completedFuture(Response.of(ResultCode.NETWORK_ERROR));
            }
            // Pekko's scheduler, not CompletableFuture's: its timer thread ticks anyway, while a JDK delayed task at
            // the head of an empty queue wakes the JDK's timer thread for every request answered one at a time.
            Cancellable timeout = system.scheduler().scheduleOnce(requestTimeout,
                    () -> answer.complete(Response.of(ResultCode.NETWORK_ERROR)), system.executionContext());
            return answer.whenComplete((r, e) -> {
                timeout.cancel();
                waiting.remove(id);
            });
        }

        private void answered(Response r) {
            CompletableFuture<Response> f = waiting.remove(r.header().id());
            if (f != null) {
                f.complete(r);
            }
        }

        private void fail(String why) {
            if (alive) {
                alive = false;
                log.warn("peer {}: {}", target, why);
                queue.complete();
            }
            waiting.values().forEach(f -> f.complete(Response.of(ResultCode.NETWORK_ERROR)));
            waiting.clear();
        }
    }
}
