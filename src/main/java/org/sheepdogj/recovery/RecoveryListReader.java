package org.sheepdogj.recovery;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.sheepdogj.cluster.ClusterView;
import org.sheepdogj.peer.PeerTransport;
import org.sheepdogj.peer.RecoveryList;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.ProtocolVersion;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.ResultCode;

/** Reads a member's {@link RecoveryList} of an epoch of a format page by page, handing each page over as it comes. */
final class RecoveryListReader {
    private RecoveryListReader() {
    }

    /** Completes once the last page is handed over; fails on the first page the member does not answer. */
    static CompletionStage<Void> read(PeerTransport transport, NodeId member, ClusterView view, int pageBytes,
                                      Consumer<ByteBuffer> onPage) {
        int whole = pageBytes - pageBytes % RecoveryList.ENTRY;
        return readFrom(transport, member, view, whole, RecoveryList.Position.START, onPage);
    }

    private static CompletionStage<Void> readFrom(PeerTransport transport, NodeId member, ClusterView view,
                                                  int pageBytes, RecoveryList.Position from,
                                                  Consumer<ByteBuffer> onPage) {
        RequestHeader h = new RequestHeader(ProtocolVersion.SHEEP, Opcode.GET_OBJ_LIST, Flags.RECOVERY, view.epoch(),
                0, pageBytes, from.oid(), view.config().ctime(), 0, Integer.toUnsignedLong(from.tag()));
        return transport.send(member, Request.of(h)).thenCompose(r -> {
            // a plan without one member's objects would let the epoch be gathered while some are only there
            if (!r.ok()) {
                throw new IllegalStateException(member + " answered " + ResultCode.describe(r.result()));
            }
            ByteBuffer page = r.payload().asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            int last = page.limit() - RecoveryList.ENTRY;
            boolean full = page.limit() >= pageBytes;
            RecoveryList.Position next = full ? RecoveryList.Position.after(page.getLong(last), page.getInt(last + 8))
                    : null;
            onPage.accept(page);
            return full ? readFrom(transport, member, view, pageBytes, next, onPage)
                    : CompletableFuture.<Void>completedFuture(null);
        });
    }
}
