package org.sheepdogj.peer;

import java.util.concurrent.CompletionStage;

import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.Response;

/**
 * Carries a peer request to the node that holds a replica. A failure to reach the node is answered with
 * NETWORK_ERROR, never by an exception.
 */
public interface PeerTransport {
    CompletionStage<Response> send(NodeId target, Request request);
}
