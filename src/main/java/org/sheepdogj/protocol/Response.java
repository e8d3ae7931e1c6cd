package org.sheepdogj.protocol;

import org.apache.pekko.util.ByteString;

/** A response: its header and the payload of {@code header.dataLength()} bytes. */
public record Response(ResponseHeader header, ByteString payload) {

    public Response {
        if (payload == null) {
            payload = ByteString.emptyByteString();
        }
    }

    public static Response of(int result) {
        return new Response(ResponseHeader.of(result), ByteString.emptyByteString());
    }

    public static Response of(ResponseHeader header) {
        return new Response(header, ByteString.emptyByteString());
    }

    /** A successful response carrying data; data_length is the payload's length. */
    public static Response data(ByteString payload) {
        return new Response(ResponseHeader.of(ResultCode.SUCCESS).withDataLength(payload.size()), payload);
    }

    public int result() {
        return header.result();
    }

    public boolean ok() {
        return header.ok();
    }

    /** The wire form for the request it answers: opcode and id echoed, the server's epoch filled in. */
    public ByteString encodeFor(RequestHeader request, int epoch) {
        ResponseHeader h = header.withEpochAndId(request.opcode(), epoch, request.id()).withDataLength(payload.size());
        ByteString head = ByteString.fromArrayUnsafe(h.toBytes());
        return payload.isEmpty() ? head : head.concat(payload);
    }
}
