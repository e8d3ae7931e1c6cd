package org.sheepdogj.client;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.util.ByteString;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;

/**
 * Something that answers sheepdog requests: a connection to a node, or a node's own dispatcher. It may give a request
 * an id of its own (answers are matched to requests by it).
 */
public interface RequestChannel {
    CompletionStage<Response> submit(Request request);

    /**
     * Submits a request whose answer's data goes to {@code into}, from its position (which stays where it is); the
     * answer itself then carries no data. A channel that receives answers whole copies their data there.
     */
    default CompletionStage<Response> submit(Request request, ByteBuffer into) {
        ByteBuffer target = into.duplicate();
        return submit(request).thenApply(r -> {
            r.payload().copyToBuffer(target);
            return Response.of(r.header());
        });
    }

    /**
     * Submits a request whose payload is {@code data}, from its position to its limit (both stay where they are). A
     * channel that takes requests whole copies it into one.
     */
    default CompletionStage<Response> submitFrom(RequestHeader header, ByteBuffer data) {
        return submit(new Request(header, ByteString.fromByteBuffer(data.duplicate())));
    }
}
