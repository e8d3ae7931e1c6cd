package org.sheepdogj.protocol;

import org.apache.pekko.util.ByteString;

/** A request as it travels: its header and, when the WRITE flag is set, its payload. */
public record Request(RequestHeader header, ByteString payload) {

    public Request {
        if (payload == null) {
            payload = ByteString.emptyByteString();
        }
    }

    public static Request of(RequestHeader header) {
        return new Request(header, ByteString.emptyByteString());
    }

    public int opcode() {
        return header.opcode();
    }

    /** The wire form: header followed by the payload if it carries one. */
    public ByteString encode() {
        ByteString head = ByteString.fromArrayUnsafe(header.toBytes());
        return header.carriesPayload() ? head.concat(payload) : head;
    }
}
