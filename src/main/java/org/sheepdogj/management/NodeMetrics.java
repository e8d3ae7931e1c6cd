package org.sheepdogj.management;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.ToDoubleFunction;

import org.sheepdogj.gateway.RequestObserver;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * A node's Prometheus metrics, in a registry of its own (several nodes may share a JVM in tests): the requests the
 * dispatcher answers, gauges read from the node at each scrape, and the JVM's.
 */
public final class NodeMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final RequestMetrics requests = new RequestMetrics(registry);
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public NodeMetrics() {
        JvmMetrics.builder().register(registry);
    }

    /** What the dispatcher reports each answer to. */
    public RequestObserver observer() {
        return requests;
    }

    RequestMetrics requests() {
        return requests;
    }

    /** Adds the gauges that read the running node; once, when it is wired. */
    void watch(LocalNode node) {
        gauge("sheepdog_requests_in_flight", "Requests being served now", node, LocalNode::requestsInFlight);
        gauge("sheepdog_request_bytes_in_flight", "Request and answer bytes held in memory now", node,
                LocalNode::bytesInFlight);
        gauge("sheepdog_connections", "Open sheepdog protocol connections", node, LocalNode::connections);
        gauge("sheepdog_recovery_objects_left", "Objects this node still has to recover in the current epoch", node,
                LocalNode::recoveryLeft);
        gauge("sheepdog_store_size_bytes", "Size of the store's file system", node, n -> n.space().size());
        gauge("sheepdog_store_free_bytes", "Free space of the store's file system", node, n -> n.space().free());
        gauge("sheepdog_cluster_epoch", "The cluster's epoch as this node knows it", node, n -> n.view().epoch());
        gauge("sheepdog_cluster_nodes", "Members of the current epoch", node, n -> n.view().nodes().size());
    }

    private void gauge(String name, String help, LocalNode node, ToDoubleFunction<LocalNode> value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.applyAsDouble(node)))
                .register(registry);
    }

    /** The Prometheus text format (version 0.0.4). */
    byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    String contentType() {
        return writer.getContentType();
    }
}
