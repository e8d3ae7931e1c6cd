package org.sheepdogj.peer;

import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/** What a sheepdog connection, client or peer, does to its frames on their way to the socket. */
public final class SocketWrites {
    /** Largest batch: a few whole 1 MiB frames, small enough not to delay a socket's first write. */
    static final long BATCH_BYTES = 1 << 20;

    private SocketWrites() {
    }

    /**
     * Frames that are ready while the socket is still busy with an earlier write go out together: one write and one
     * wake-up of the TCP actor for many frames instead of one per frame, which is what limits small requests.
     */
    public static Flow<ByteString, ByteString, NotUsed> batched() {
        return Flow.of(ByteString.class).batchWeighted(BATCH_BYTES, b -> (long) b.size(), b -> b, ByteString::concat);
    }
}
