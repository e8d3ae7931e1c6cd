package org.sheepdogj.jmh;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

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
import org.sheepdogj.placement.Ring;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.ResponseHeader;
import org.sheepdogj.protocol.SdNode;
import org.sheepdogj.vdi.IndexChange;

/**
 * The paths every request takes: the header codec, the placement of an object on the ring, and the reference changes
 * of an inode index update. Run by {@code bench/jmh}.
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
}
