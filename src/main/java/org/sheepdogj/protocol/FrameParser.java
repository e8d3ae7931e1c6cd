package org.sheepdogj.protocol;

import java.nio.ByteBuffer;
import java.util.function.Function;

import org.apache.pekko.util.ByteString;

/**
 * Cuts a byte stream into 48-byte headers and their payloads. Feed it what arrives with {@link #append} and take
 * complete frames with {@link #poll}; payloads are slices of the received bytes, not copies. A header that announces
 * more than {@code maxPayload} bytes is a protocol violation: the stream cannot be trusted after it.
 */
public abstract class FrameParser<T> {
    private final int maxPayload;
    private ByteString buffer = ByteString.emptyByteString();

    protected FrameParser(int maxPayload) {
        this.maxPayload = maxPayload;
    }

    /** The frames of the client side: requests, with a payload only when they carry the WRITE flag. */
    public static FrameParser<Request> requests(int maxPayload) {
        return new FrameParser<>(maxPayload) {
            @Override
            protected Decoded<Request> decode(ByteBuffer head) {
                RequestHeader h = RequestHeader.decode(head);
                int len = h.carriesPayload() ? h.dataLength() : 0;
                return new Decoded<>(len, h.dataLength(), payload -> new Request(h, payload));
            }
        };
    }

    /** The frames of the server side: responses, always followed by data_length bytes. */
    public static FrameParser<Response> responses(int maxPayload) {
        return new FrameParser<>(maxPayload) {
            @Override
            protected Decoded<Response> decode(ByteBuffer head) {
                ResponseHeader h = ResponseHeader.decode(head);
                return new Decoded<>(h.dataLength(), h.dataLength(), payload -> new Response(h, payload));
            }
        };
    }

    /** What a header announces: the payload that follows it and how to build the frame once it is here. */
    protected record Decoded<T>(int payloadLength, int announcedLength, Function<ByteString, T> build) {
    }

    protected abstract Decoded<T> decode(ByteBuffer head);

    public void append(ByteString bytes) {
        buffer = buffer.concat(bytes);
    }

    /**
     * The next complete frame, or null if more bytes are needed.
     *
     * @throws FrameTooLargeException if a header announces more than the limit
     */
    public T poll() {
        if (buffer.size() < RequestHeader.SIZE) {
            return null;
        }
        Decoded<T> d = decode(buffer.take(RequestHeader.SIZE).asByteBuffer());
        long announced = d.announcedLength() & 0xffffffffL;
        if (announced > maxPayload) {
            throw new FrameTooLargeException(announced, maxPayload);
        }
        int total = RequestHeader.SIZE + d.payloadLength();
        if (buffer.size() < total) {
            return null;
        }
        ByteString payload = buffer.slice(RequestHeader.SIZE, total);
        buffer = buffer.drop(total);
        if (buffer.isEmpty()) {
            buffer = ByteString.emptyByteString();
        }
        return d.build().apply(payload);
    }

    /** Thrown when a header announces a payload larger than any legal request. */
    public static final class FrameTooLargeException extends RuntimeException {
        public FrameTooLargeException(long announced, int limit) {
            super("data_length " + announced + " exceeds the limit of " + limit + " bytes");
        }
    }
}
