package org.sheepdogj.vdi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.util.ByteString;
import org.sheepdogj.peer.ObjectIo;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;

/** Reads and writes inode objects through the replicated object path, failing with a result code. */
final class InodeStore {
    private final ObjectIo objects;

    InodeStore(ObjectIo objects) {
        this.objects = objects;
    }

    ObjectIo objects() {
        return objects;
    }

    CompletionStage<Inode.Header> readHeader(int vid) {
        return read(vid, 0, Inode.HEADER_SIZE).thenApply(b -> Inode.Header.decode(ByteBuffer.wrap(b)));
    }

    /** The whole sheep inode: header, index and generation references. */
    CompletionStage<byte[]> readAll(int vid) {
        return read(vid, 0, Inode.SIZE);
    }

    CompletionStage<byte[]> read(int vid, long offset, int length) {
        return objects.read(Oid.vidToVdiOid(vid), offset, length, 0).thenApply(r -> {
            if (!r.ok()) {
                throw new VdiException(r.result());
            }
            return r.payload().toArrayUnsafe();
        });
    }

    CompletionStage<Void> write(int vid, long offset, byte[] bytes) {
        return check(objects.write(Oid.vidToVdiOid(vid), offset, ByteString.fromArrayUnsafe(bytes), 0));
    }

    /** Writes a whole inode as a new object (the store keeps the zero regions sparse). */
    CompletionStage<Void> create(int vid, byte[] inode) {
        return check(objects.create(Oid.vidToVdiOid(vid), 0, ByteString.fromArrayUnsafe(inode), 0));
    }

    private static CompletionStage<Void> check(CompletionStage<Response> r) {
        return r.thenAccept(resp -> {
            if (!resp.ok()) {
                throw new VdiException(resp.result());
            }
        });
    }

    static int indexEntry(byte[] inode, long idx) {
        return ByteBuffer.wrap(inode).order(ByteOrder.LITTLE_ENDIAN).getInt(Inode.indexOffset(idx));
    }

    static CompletionStage<Void> done() {
        return CompletableFuture.completedFuture(null);
    }

    /** A failure of a VDI operation that carries the answer for the client. */
    static final class VdiException extends RuntimeException {
        private final int result;

        VdiException(int result) {
            super(ResultCode.name(result), null, false, false);
            this.result = result;
        }

        int result() {
            return result;
        }

        static int resultOf(Throwable t) {
            Throwable c = t;
            while (c != null) {
                if (c instanceof VdiException v) {
                    return v.result();
                }
                c = c.getCause();
            }
            return ResultCode.EIO;
        }
    }
}
