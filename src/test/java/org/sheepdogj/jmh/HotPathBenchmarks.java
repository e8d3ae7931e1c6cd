package org.sheepdogj.jmh;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.util.ByteString;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.sheepdogj.client.RequestChannel;
import org.sheepdogj.client.VdiHandle;
import org.sheepdogj.placement.Ring;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResponseHeader;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;
import org.sheepdogj.vdi.IndexChange;

/**
 * The paths every request takes: the header codec, the placement of an object on the ring, the reference changes
 * of an inode index update, and what an open VDI does on the client's side for a 4 KiB overwrite of an object it holds
 * (the NBD export's and the load generator's common write) with a channel that answers at once, so that the node's
 * work is left out. Run by {@code bench/jmh}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class HotPathBenchmarks {
    private byte[] requestBytes;
    private RequestHeader request;
    private ResponseHeader response;
    private Ring ring3;
    private Ring ring1000;
    private long[] oids;
    private int next;
    private byte[] oldVids;
    private byte[] oldRefs;
    private byte[] newVids;
    private VdiHandle vdi;
    private final ByteString block = ByteString.fromArrayUnsafe(new byte[4096]);
    private long[] offsets;

    @Setup
    public void setup() {
        request = RequestHeader.obj(0x03, 0x05, 42, 4096, Oid.vidToDataOid(0x15d167, 9), 0, 3, 8192);
        requestBytes = request.toBytes();
        response = ResponseHeader.vdi(0, 0x15d167, 0, 3, 22).withEpochAndId(0x12, 7, 42);
        ring3 = new Ring(nodes(3));
        ring1000 = new Ring(nodes(1000));
        SplittableRandom r = new SplittableRandom(1);
        oids = new long[4096];
        for (int i = 0; i < oids.length; i++) {
            oids[i] = Oid.vidToDataOid(r.nextInt(1 << 24), r.nextInt(1 << 20));
        }
        oldVids = new byte[128 * 4];
        oldRefs = new byte[128 * 8];
        newVids = new byte[128 * 4];
        ByteBuffer ov = ByteBuffer.wrap(oldVids).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer nv = ByteBuffer.wrap(newVids).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 128; i++) {
            ov.putInt(0x15d167);
            nv.putInt(i % 2 == 0 ? 0x15d168 : 0x15d167);
        }
        vdi = VdiHandle.open(new AnsweringChannel(), "bench", 0, "").toCompletableFuture().join();
        offsets = new long[4096];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = r.nextLong(AnsweringChannel.SIZE / 4096) * 4096;
        }
    }

    private static List<SdNode> nodes(int n) {
        List<SdNode> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new SdNode(NodeId.of("10.0." + (i >> 8) + "." + (i & 255), 7000), 128, i, 1L << 40));
        }
        return out;
    }

    @Benchmark
    public RequestHeader decodeRequestHeader() {
        return RequestHeader.decode(ByteBuffer.wrap(requestBytes));
    }

    @Benchmark
    public byte[] encodeResponseHeader() {
        return response.toBytes();
    }

    @Benchmark
    public List<SdNode> placeOnThreeNodes() {
        return ring3.replicas(oids[next++ & 4095], 3);
    }

    @Benchmark
    public List<SdNode> placeOnAThousandNodes() {
        return ring1000.replicas(oids[next++ & 4095], 3);
    }

    @Benchmark
    public List<IndexChange.Drop> indexUpdateOf128Entries() {
        return IndexChange.dropped(0, oldVids, oldRefs, newVids);
    }

    @Benchmark
    public CompletionStage<Void> overwriteOf4KiB() {
        return vdi.write(offsets[next++ & 4095], block, false);
    }

    /** A node that holds every object of one VDI and acknowledges every write at once. */
    private static final class AnsweringChannel implements RequestChannel {
        static final int VID = 0x15d167;
        static final long SIZE = 512L << 20;
        private final CompletableFuture<Response> done = CompletableFuture.completedFuture(
                Response.of(ResultCode.SUCCESS));

        @Override
        public CompletionStage<Response> submit(Request request) {
            return switch (request.header().opcode()) {
                case Opcode.LOCK_VDI -> CompletableFuture.completedFuture(Response.of(
                        ResponseHeader.vdi(ResultCode.SUCCESS, VID, 0, 1, 22)));
                case Opcode.READ_OBJ -> CompletableFuture.completedFuture(Response.data(inode()));
                default -> done;
            };
        }

        private static ByteString inode() {
            ByteBuffer b = ByteBuffer.allocate(Inode.QEMU_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(Inode.VDI_SIZE_OFFSET, SIZE).put(Inode.NR_COPIES_OFFSET, (byte) 1)
                    .put(Inode.BLOCK_SIZE_SHIFT_OFFSET, (byte) 22).putInt(Inode.VDI_ID_OFFSET, VID);
            for (int i = 0; i < Inode.dataObjectCount(SIZE, 22); i++) {
                b.putInt(Inode.indexOffset(i), VID);
            }
            return ByteString.fromArrayUnsafe(b.array());
        }
    }
}
