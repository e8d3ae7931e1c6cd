package org.sheepdogj.peer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;

/**
 * The peer requests that are ready while the socket to one peer is still busy: they go out in one write (as
 * {@link SocketWrites} does for answers), and a WRITE_PEER that continues the write queued just before it (same object,
 * epoch and flags, its offset where the other ends) joins it. A sequential writer's requests then cost each replica one
 * request, one disk write and one answer per run instead of one per request; every request of a run is answered with
 * the run's answer, so each is acknowledged exactly when the replica has all of them, with the durability they asked.
 * Only the last request can be joined, so no request overtakes another on its way to the replica.
 */
final class PeerBatch {
    /** A request on its way to a peer and the answer its sender waits for. */
    record Outgoing(Request request, CompletableFuture<Response> answer) {
    }

    private final List<Outgoing> requests = new ArrayList<>();

    private PeerBatch(Outgoing first) {
        requests.add(first);
    }

    static Flow<Outgoing, ByteString, NotUsed> flow() {
        return Flow.of(Outgoing.class)
                .batchWeighted(SocketWrites.BATCH_BYTES, o -> (long) RequestHeader.SIZE + o.request().payload().size(),
                        PeerBatch::new, PeerBatch::add)
                .map(PeerBatch::encode);
    }

    private PeerBatch add(Outgoing next) {
        int lastIndex = requests.size() - 1;
        Outgoing last = requests.get(lastIndex);
        if (!continues(last.request().header(), next.request().header())) {
            requests.add(next);
            return this;
        }
        RequestHeader h = last.request().header();
        Request joined = new Request(h.withDataLength(h.dataLength() + next.request().header().dataLength()),
                last.request().payload().concat(next.request().payload()));
        requests.set(lastIndex, new Outgoing(joined, last.answer()));
        last.answer().whenComplete((r, e) -> next.answer().complete(e == null ? r
                : Response.of(ResultCode.NETWORK_ERROR)));
        return this;
    }

    private static boolean continues(RequestHeader a, RequestHeader b) {
        return a.opcode() == Opcode.WRITE_PEER && b.opcode() == Opcode.WRITE_PEER && a.protoVer() == b.protoVer()
                && a.flags() == b.flags() && a.epoch() == b.epoch() && a.oid() == b.oid() && a.w1() == b.w1()
                && a.w2() == b.w2() && b.w3() == a.w3() + a.dataLength();
    }

    private ByteString encode() {
        ByteString out = ByteString.emptyByteString();
        for (Outgoing o : requests) {
            out = out.concat(o.request().encode());
        }
        return out;
    }
}
