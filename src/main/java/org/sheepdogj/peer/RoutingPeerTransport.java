package org.sheepdogj.peer;

import java.util.concurrent.CompletionStage;

import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.Response;

/**
 * Sends a peer request to this node's own {@link PeerService} directly (the same request a remote replica would get,
 * without a socket) and every other request over the network.
 */
public final class RoutingPeerTransport implements PeerTransport {
    private final NodeId self;
    private final PeerService local;
    private final PeerTransport remote;

    public RoutingPeerTransport(NodeId self, PeerService local, PeerTransport remote) {
        this.self = self;
        this.local = local;
        this.remote = remote;
    }

    @Override
    public CompletionStage<Response> send(NodeId target, Request request) {
        return target.equals(self) ? local.handle(request) : remote.send(target, request);
    }
}
