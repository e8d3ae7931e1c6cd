package org.sheepdogj.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.util.ByteString;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.client.SheepdogException;
import org.sheepdogj.client.VdiHandle;
import org.sheepdogj.protocol.ResultCode;

/**
 * A load generator that drives a VDI over the sheepdog protocol as QEMU's driver does: one connection, requests
 * pipelined up to a queue depth, object creation and inode updates on first writes, reads straight to the objects; one
 * thread sends the requests and reads the answers, as QEMU's event loop does; reads land in buffers set aside for
 * them and writes leave from one, as QEMU's land in and leave from the guest's memory.
 * Prints one line of figures: operations per second, MB/s, median and 99th percentile latency.
 *
 * <pre>
 * java -cp sheep.jar org.sheepdogj.bench.LoadGenerator HOST PORT VDI SIZE_MIB PATTERN BS QD SECONDS [unsynced [WARMUP]]
 * </pre>
 * PATTERN is randread, randwrite, read or write. The VDI is created and filled first if it does not exist. With
 * {@code unsynced}, writes are durable at flush (as QEMU's cache=writeback expects), with one flush at the end.
 * WARMUP seconds of the same load run first, unmeasured.
 */
public final class LoadGenerator {
    private LoadGenerator() {
    }

    /** What one run measured. */
    public record Result(double iops, double mbPerSecond, double p50Micros, double p99Micros, long ops) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "iops=%.0f mbps=%.1f p50_us=%.0f p99_us=%.0f ops=%d", iops,
                    mbPerSecond, p50Micros, p99Micros, ops);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 8 || args.length > 10 || (args.length > 8 && !"unsynced".equals(args[8]))) {
            System.err.println("usage: LoadGenerator HOST PORT VDI SIZE_MIB PATTERN BS QD SECONDS [unsynced [WARMUP]]");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String vdi = args[2];
        long size = Long.parseLong(args[3]) << 20;
        double warmup = args.length == 10 ? Double.parseDouble(args[9]) : 0;
        Result r = run(host, port, vdi, size, args[4], Integer.parseInt(args[5]), Integer.parseInt(args[6]),
                Double.parseDouble(args[7]), args.length >= 9, warmup);
        System.out.println(r);
    }

    public static Result run(String host, int port, String vdi, long size, String pattern, int bs, int qd,
                             double seconds, boolean unsynced, double warmup) throws Exception {
        try (SheepdogConnection c = SheepdogConnection.drivenByCaller(host, port)) {
            ensureFilled(c, vdi, size);
            VdiHandle h = c.await(VdiHandle.open(c, vdi, 0, ""));
            if (warmup > 0) {
                measure(c, h, size, pattern, bs, qd, warmup, !unsynced);
            }
            Result r = measure(c, h, size, pattern, bs, qd, seconds, !unsynced);
            c.await(h.flush());
            c.await(h.closeAsync());
            return r;
        }
    }

    /** Creates the VDI and writes it whole once, so that the measured writes overwrite allocated objects. */
    private static void ensureFilled(SheepdogConnection c, String vdi, long size) throws Exception {
        try {
            c.await(Sheepdog.vdiInfo(c, vdi, "", 0));
            return;
        } catch (Exception e) {
            if (SheepdogException.resultOf(e) != ResultCode.NO_VDI) {
                throw e;
            }
        }
        c.await(Sheepdog.createVdi(c, vdi, size));
        VdiHandle h = c.await(VdiHandle.open(c, vdi, 0, ""));
        int chunk = 4 << 20;
        byte[] data = new byte[chunk];
        new SplittableRandom(1).nextBytes(data);
        Pipeline fill = new Pipeline(c, 4);
        for (long off = 0; off < size; off += chunk) {
            fill.add(h.write(off, ByteString.fromArrayUnsafe(data, 0, (int) Math.min(chunk, size - off))));
        }
        fill.drain();
        c.await(h.closeAsync());
    }

    private static Result measure(SheepdogConnection c, VdiHandle h, long size, String pattern, int bs, int qd,
                                  double seconds, boolean durable) throws Exception {
        boolean write = pattern.endsWith("write");
        boolean random = pattern.startsWith("rand");
        long blocks = size / bs;
        byte[] payload = new byte[bs];
        new SplittableRandom(2).nextBytes(payload);
        ByteBuffer data = ByteBuffer.allocateDirect(bs).put(payload).flip();
        ByteBuffer buffers = ByteBuffer.allocateDirect(bs * qd);
        long[] latencies = new long[1 << 22];
        int[] count = new int[1];
        SplittableRandom rnd = new SplittableRandom(3);
        Pipeline load = new Pipeline(c, qd);
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long issued = 0;
        while (System.nanoTime() < deadline) {
            long block = random ? rnd.nextLong(blocks) : issued % blocks;
            int slot = (int) (issued++ % qd);
            long t0 = System.nanoTime();
            CompletionStage<?> op = write ? h.write(block * bs, data, durable)
                    : h.read(block * bs, buffers.slice(slot * bs, bs));
            load.add(op.thenRun(() -> {
                int i = count[0]++;
                if (i < latencies.length) {
                    latencies[i] = System.nanoTime() - t0;
                }
            }));
        }
        load.drain();
        double elapsed = (System.nanoTime() - start) / 1e9;
        int n = Math.min(count[0], latencies.length);
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        double p50 = n == 0 ? 0 : sorted[n / 2] / 1e3;
        double p99 = n == 0 ? 0 : sorted[Math.min(n - 1, (int) (n * 0.99))] / 1e3;
        double iops = count[0] / elapsed;
        return new Result(iops, iops * bs / 1e6, p50, p99, count[0]);
    }

    /**
     * Up to {@code depth} operations in flight on a connection whose answers this thread reads, as QEMU's event loop
     * keeps its requests: adding one when the pipeline is full first reads answers until one completes.
     */
    private static final class Pipeline {
        private final SheepdogConnection connection;
        private final int depth;
        private final ArrayDeque<CompletableFuture<?>> inFlight = new ArrayDeque<>();

        Pipeline(SheepdogConnection connection, int depth) {
            this.connection = connection;
            this.depth = depth;
        }

        void add(CompletionStage<?> op) throws IOException {
            inFlight.add(op.toCompletableFuture());
            inFlight.removeIf(this::finished);
            while (inFlight.size() >= depth) {
                connection.awaitAnswer();
                inFlight.removeIf(this::finished);
            }
        }

        void drain() throws IOException {
            while (!inFlight.isEmpty()) {
                connection.await(inFlight.peek());
                inFlight.removeIf(this::finished);
            }
        }

        private boolean finished(CompletableFuture<?> op) {
            if (op.isCompletedExceptionally()) {
                throw new IllegalStateException("the load failed", op.handle((v, e) -> e).join());
            }
            return op.isDone();
        }
    }
}
