package org.sheepdogj.cluster;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.apache.pekko.util.ByteString;
import org.sheepdogj.protocol.ClusterFlags;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;

/**
 * GET_VNODES, SET_VNODES and REWEIGHT: this node's share of the ring. The share follows the node's space when the
 * cluster was formatted with automatic vnodes; changing it by hand (fixed vnodes) is not supported yet, and the
 * space a node offers is taken once, at start, so a reweight finds nothing to change.
 */
public final class VnodeRequests {
    private final ClusterState state;

    public VnodeRequests(ClusterState state) {
        this.state = state;
    }

    /** GET_VNODES ({@code local_get_vnodes}). */
    public Response vnodes(Request req) {
        byte[] v = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(state.current().self().nrVnodes())
                .array();
        return Response.data(ByteString.fromArrayUnsafe(v, 0, Math.min(4, Math.max(0, req.header().dataLength()))));
    }

    /** SET_VNODES ({@code local_set_vnodes}): refused as sheep refuses it, else not supported. */
    public Response setVnodes(Request req) {
        ClusterView v = state.current();
        SdNode self = v.self();
        if (self.isGateway()) {
            return Response.of(ResultCode.GATEWAY_MODE);
        }
        if ((v.config().flags() & ClusterFlags.AUTO_VNODES) != 0) {
            return Response.of(ResultCode.INVALID_VNODES_STRATEGY);
        }
        int wanted = req.payload().size() >= 4 ? req.payload().asByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getInt(0)
                : 0;
        if (wanted < 1 || wanted > 0xffff) {
            return Response.of(ResultCode.INVALID_PARMS);
        }
        return Response.of(ResultCode.NO_SUPPORT);
    }

    /** REWEIGHT ({@code cluster_reweight}): nothing to do while a node's space is fixed at start. */
    public Response reweight(Request req) {
        return Response.of(ResultCode.SUCCESS);
    }
}
