package org.sheepdogj.client;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.util.ByteString;
import org.sheepdogj.protocol.ClusterFlags;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Names;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;

/** The VDI and cluster requests of the protocol, as QEMU and dog send them, over any {@link RequestChannel}. */
public final class Sheepdog {
    private Sheepdog() {
    }

    /** The answer if it succeeded; otherwise a {@link SheepdogException} with its result. */
    public static CompletionStage<Response> expect(CompletionStage<Response> answer, int opcode) {
        return answer.thenApply(r -> {
            if (!r.ok()) {
                throw new SheepdogException(opcode, r.result());
            }
            return r;
        });
    }

    private static ByteString nameAndTag(String name, String tag) {
        return ByteString.fromArrayUnsafe(Names.field(name, 256)).concat(ByteString.fromArrayUnsafe(
                Names.field(tag, 256)));
    }

    /** GET_VDI_INFO: the VDI id of a name's working VDI, or of its snapshot by id or tag. */
    public static CompletionStage<Integer> vdiInfo(RequestChannel ch, String name, String tag, int snapId) {
        RequestHeader h = RequestHeader.vdi(Opcode.GET_VDI_INFO, Flags.WRITE, 512, 0, 0, 0, 0, 0, 0, snapId, 0);
        return expect(ch.submit(new Request(h, nameAndTag(name, tag))), Opcode.GET_VDI_INFO)
                .thenApply(r -> r.header().vdiId());
    }

    /** NEW_VDI: a VDI, a clone of {@code baseVid}, or with {@code snapshot} a snapshot of the working VDI. */
    public static CompletionStage<Integer> newVdi(RequestChannel ch, String name, long size, int baseVid,
                                                  boolean snapshot, int copies, int blockSizeShift) {
        RequestHeader h = RequestHeader.vdi(Opcode.NEW_VDI, Flags.WRITE, 256, size, baseVid, copies, 0, 0,
                blockSizeShift, snapshot ? 1 : 0, 0).withOpcode(Opcode.NEW_VDI, 0);
        return expect(ch.submit(new Request(h, ByteString.fromArrayUnsafe(Names.field(name, 256)))),
                Opcode.NEW_VDI).thenApply(r -> r.header().vdiId());
    }

    /** As {@code qemu-img create sheepdog:NAME SIZE}: the cluster's default object size, then NEW_VDI. */
    public static CompletionStage<Integer> createVdi(RequestChannel ch, String name, long size) {
        RequestHeader h = RequestHeader.plain(Opcode.GET_CLUSTER_DEFAULT, 0, 0).withOpcode(Opcode.GET_CLUSTER_DEFAULT,
                1);
        return expect(ch.submit(Request.of(h)), Opcode.GET_CLUSTER_DEFAULT)
                .thenCompose(r -> newVdi(ch, name, size, 0, false, 0, r.header().defaultBlockSizeShift()));
    }

    /**
     * As {@code qemu-img create -b sheepdog:BASE:SNAP sheepdog:NAME}: a new VDI that starts as the snapshot
     * (which must be one) and shares its objects until they are written.
     */
    public static CompletionStage<Integer> clone(RequestChannel ch, String base, int snapId, String tag,
                                                 String name) {
        return VdiHandle.open(ch, base, snapId, tag).thenCompose(src -> src.closeAsync().thenCompose(v -> {
            if (!src.isReadOnly()) {
                throw new SheepdogException(Opcode.NEW_VDI, ResultCode.INVALID_PARMS);
            }
            return VdiHandle.readInode(ch, src.vid(), Inode.HEADER_SIZE).thenCompose(b -> {
                Inode.Header h = Inode.Header.decode(b);
                return newVdi(ch, name, src.size(), src.vid(), false, h.nrCopies(), h.blockSizeShift());
            });
        }));
    }

    /** DEL_VDI of a working VDI (empty tag, snapshot id 0) or of a snapshot. */
    public static CompletionStage<Integer> deleteVdi(RequestChannel ch, String name, String tag, int snapId) {
        RequestHeader h = RequestHeader.vdi(Opcode.DEL_VDI, Flags.WRITE, 512, 0, 0, 0, 0, 0, 0, snapId, 0);
        return expect(ch.submit(new Request(h, nameAndTag(name, tag))), Opcode.DEL_VDI)
                .thenApply(r -> r.header().vdiId());
    }

    /** MAKE_FS as {@code dog cluster format --copies N} does it, with the plain store. */
    public static CompletionStage<Response> format(RequestChannel ch, int copies, long ctime) {
        return format(ch, copies, ctime, ClusterFlags.AUTO_VNODES);
    }

    /** MAKE_FS with the cluster's {@code flags} ({@code ClusterFlags}, e.g. USE_LOCK: VDIs open in one client). */
    public static CompletionStage<Response> format(RequestChannel ch, int copies, long ctime, int flags) {
        byte[] store = "plain\0".getBytes(StandardCharsets.US_ASCII);
        RequestHeader h = RequestHeader.cluster(Opcode.MAKE_FS, Flags.WRITE, store.length, ctime, copies, 0,
                flags, 0, 0);
        return expect(ch.submit(new Request(h, ByteString.fromArrayUnsafe(store))), Opcode.MAKE_FS);
    }
}
