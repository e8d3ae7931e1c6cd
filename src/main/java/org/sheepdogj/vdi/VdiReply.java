package org.sheepdogj.vdi;

import org.sheepdogj.cluster.CborSerializable;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResponseHeader;

/** The answer to a VDI operation: the fields of the response's vdi variant. */
public record VdiReply(int result, int vid, int attrId, int copies, int blockSizeShift) implements CborSerializable {

    public static VdiReply of(int result) {
        return new VdiReply(result, 0, 0, 0, 0);
    }

    public Response toResponse() {
        return Response.of(ResponseHeader.vdi(result, vid, attrId, copies, blockSizeShift));
    }
}
