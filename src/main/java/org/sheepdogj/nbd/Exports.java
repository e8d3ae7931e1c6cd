package org.sheepdogj.nbd;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.sheepdogj.client.RequestChannel;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.VdiHandle;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Limits;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VDIs this node exports over NBD. All connections to one export share one open {@link VdiHandle} (so that an
 * object is created once however many connections write, which makes multi-conn safe); it is opened, as QEMU opens
 * a VDI, by the first connection and closed by the last.
 */
final class Exports {
    private static final Logger log = LoggerFactory.getLogger(Exports.class);

    /** An open export and the connections using it. */
    static final class Export {
        final ExportName name;
        final VdiHandle handle;
        private int users;

        Export(ExportName name, VdiHandle handle) {
            this.name = name;
            this.handle = handle;
        }

        boolean readOnly() {
            return handle.isReadOnly();
        }
    }

    private final RequestChannel channel;
    private final Map<String, CompletableFuture<Export>> open = new HashMap<>();
    private final Map<String, Integer> users = new HashMap<>();

    Exports(RequestChannel channel) {
        this.channel = channel;
    }

    RequestChannel channel() {
        return channel;
    }

    /** Opens (or joins) an export; fails with the sheepdog error if the VDI or snapshot does not exist. */
    CompletionStage<Export> acquire(ExportName name) {
        String key = name.toString();
        synchronized (this) {
            users.merge(key, 1, Integer::sum);
            CompletableFuture<Export> f = open.get(key);
            if (f == null || f.isCompletedExceptionally()) {
                f = VdiHandle.open(channel, name.vdi(), name.snapId(), name.tag())
                        .thenApply(h -> {
                            log.info("NBD export {} opened (VDI id {}, {} bytes{})", key,
                                    Integer.toHexString(h.vid()), h.size(), h.isReadOnly() ? ", read-only" : "");
                            return new Export(name, h);
                        }).toCompletableFuture();
                open.put(key, f);
            }
            return f.whenComplete((e, err) -> {
                if (err != null) {
                    release(key);
                }
            });
        }
    }

    /** A connection is done with the export; the last one closes it (RELEASE_VDI). */
    void release(Export e) {
        release(e.name.toString());
    }

    private void release(String key) {
        CompletableFuture<Export> closing = null;
        synchronized (this) {
            int left = users.merge(key, -1, Integer::sum);
            if (left <= 0) {
                users.remove(key);
                closing = open.remove(key);
            }
        }
        if (closing != null && closing.isDone() && !closing.isCompletedExceptionally()) {
            Export e = closing.join();
            e.handle.closeAsync();
            log.info("NBD export {} closed", key);
        }
    }

    /** The export names of every VDI: each working VDI, and each snapshot by id and by tag. */
    CompletionStage<List<String>> list() {
        RequestHeader inUse = RequestHeader.plain(Opcode.READ_VDIS, 0, Limits.VDI_BITMAP_SIZE)
                .withOpcode(Opcode.READ_VDIS, 0);
        RequestHeader deleted = RequestHeader.plain(Opcode.READ_DEL_VDIS, 0, Limits.VDI_BITMAP_SIZE);
        return Sheepdog.expect(channel.submit(Request.of(inUse)), Opcode.READ_VDIS).thenCombine(
                Sheepdog.expect(channel.submit(Request.of(deleted)), Opcode.READ_DEL_VDIS), (a, d) -> {
                    ByteBuffer used = a.payload().asByteBuffer();
                    ByteBuffer gone = d.payload().asByteBuffer();
                    List<Integer> vids = new ArrayList<>();
                    for (int vid = 1; vid < Limits.NR_VDIS; vid++) {
                        int byteAt = vid >>> 3;
                        int bit = 1 << (vid & 7);
                        if ((used.get(byteAt) & bit) != 0 && (gone.get(byteAt) & bit) == 0) {
                            vids.add(vid);
                        }
                    }
                    return vids;
                }).thenCompose(this::names);
    }

    private CompletionStage<List<String>> names(List<Integer> vids) {
        List<CompletableFuture<List<String>>> each = new ArrayList<>();
        for (int vid : vids) {
            RequestHeader h = RequestHeader.obj(Opcode.READ_OBJ, Flags.DIRECT, 0, Inode.HEADER_SIZE,
                    Oid.vidToVdiOid(vid), 0, 0, 0).withOpcode(Opcode.READ_OBJ, 0);
            each.add(channel.submit(Request.of(h)).thenApply(r -> {
                List<String> names = new ArrayList<>();
                if (r.ok()) {
                    Inode.Header hd = Inode.Header.decode(r.payload().asByteBuffer());
                    if (hd.name().isEmpty()) {
                        return names;
                    }
                    if (!hd.isSnapshot()) {
                        names.add(hd.name());
                    } else {
                        names.add(hd.name() + "@" + hd.snapId());
                        if (!hd.tag().isEmpty()) {
                            names.add(hd.name() + "@" + hd.tag());
                        }
                    }
                }
                return names;
            }).toCompletableFuture());
        }
        return CompletableFuture.allOf(each.toArray(new CompletableFuture[0])).thenApply(v -> {
            List<String> all = new ArrayList<>();
            each.forEach(f -> all.addAll(f.join()));
            return all;
        });
    }
}
