package org.sheepdogj.management;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.sheepdogj.gateway.RequestObserver;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Counts every request the dispatcher answers, by opcode: how many, their bytes, how long they took. */
public final class RequestMetrics implements RequestObserver {
    /** From 50 microseconds (a cached read) to 20 seconds (a write waiting out an epoch change). */
    private static final double[] LATENCY_BOUNDS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
        0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20};

    private final Counter requests;
    private final Counter bytes;
    private final Histogram latency;
    private final LongAdder answered = new LongAdder();
    private final LongAdder reads = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder readBytes = new LongAdder();
    private final LongAdder writeBytes = new LongAdder();

    /**
     * Without exemplars: the node has no traces for them to point to, and sampling them costs every request a clock
     * read, and now and then a task on the library's scheduler thread.
     */
    RequestMetrics(PrometheusRegistry registry) {
        requests = Counter.builder().name("sheepdog_requests_total").withoutExemplars()
                .help("Requests answered, by opcode and result").labelNames("opcode", "result").register(registry);
        bytes = Counter.builder().name("sheepdog_request_bytes_total").withoutExemplars()
                .help("Payload bytes of requests (in) and answers (out), by opcode").labelNames("opcode", "direction")
                .register(registry);
        latency = Histogram.builder().name("sheepdog_request_duration_seconds").withoutExemplars()
                .help("Time from a request's arrival to its answer, by opcode").labelNames("opcode")
                .classicOnly().classicUpperBounds(LATENCY_BOUNDS).register(registry);
    }

    @Override
    public void answered(Request request, Response response, long nanos) {
        int op = request.opcode();
        String name = Opcode.name(op);
        long in = request.payload().size();
        long out = response.payload().size();
        requests.labelValues(name, ResultCode.name(response.result())).inc();
        bytes.labelValues(name, "in").inc(in);
        bytes.labelValues(name, "out").inc(out);
        latency.labelValues(name).observe(nanos / (double) TimeUnit.SECONDS.toNanos(1));
        answered.increment();
        if (!response.ok()) {
            return;
        }
        if (op == Opcode.READ_OBJ) {
            reads.increment();
            readBytes.add(out);
        } else if (op == Opcode.WRITE_OBJ || op == Opcode.CREATE_AND_WRITE_OBJ) {
            writes.increment();
            writeBytes.add(in);
        }
    }

    /** Every request answered since the node started. */
    public long answered() {
        return answered.sum();
    }

    public IoTotals io() {
        return new IoTotals(reads.sum(), writes.sum(), readBytes.sum(), writeBytes.sum());
    }
}
