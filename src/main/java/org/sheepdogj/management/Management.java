package org.sheepdogj.management;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management layer of one node: its MBean, its report to the other nodes, and, unless the port is 0, one HTTP
 * server that serves Pekko Management's routes ({@code /cluster/members}, {@code /ready}, ...) beside ours.
 */
public final class Management {
    private static final Logger log = LoggerFactory.getLogger(Management.class);
    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);

    private final ActorSystem<?> system;
    private final LocalNode node;
    private final HttpApi api;
    private volatile ServerBinding binding;
    private volatile Runnable unregister = () -> { };

    public Management(ActorSystem<?> system, NodeSources sources, NodeMetrics metrics) {
        this.system = system;
        this.node = new LocalNode(sources, metrics.requests());
        metrics.watch(node);
        this.api = new HttpApi(new StatusQueries(system, node, new VdiCatalog(sources.vdis(), sources.objects())),
                metrics, system.dispatchers().lookup(DispatcherSelector.blocking()));
    }

    /**
     * Registers the MBean and the node's reporter, and binds the HTTP server on {@code host:port} (not when the port
     * is 0).
     *
     * @throws IllegalStateException if the port cannot be bound
     */
    public void start(String host, int port) {
        unregister = new NodeBean(node).register();
        system.systemActorOf(NodeReporter.create(node), "node-reporter", Props.empty());
        if (port == 0) {
            return;
        }
        CompletionStage<ServerBinding> bound = Http.get(system).newServerAt(host, port)
                .bind(Directives.concat(PekkoManagement.get(system).getRoutes(), api.routes()));
        try {
            binding = bound.toCompletableFuture().get(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("no HTTP on " + host + ":" + port, e);
        }
        log.info("node {}: management HTTP on {}", node.address(), binding.localAddress());
    }

    /** Stops taking HTTP connections. */
    public CompletionStage<?> stop() {
        ServerBinding b = binding;
        return b == null ? CompletableFuture.completedFuture(null) : b.unbind();
    }

    /** Unregisters the MBean, once the node has stopped. */
    public void close() {
        unregister.run();
    }
}
