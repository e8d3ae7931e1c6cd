package org.sheepdogj.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Limits;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;

/**
 * {@code dog vdi cache flush|delete|info|purge}: the node's object cache ({@code sheep -w}). dog 1.0.1 dropped these
 * with sheep's cache; they are sheepdog 0.9's commands, messages and output, for sheepdog-j's object cache.
 */
final class VdiCache {
    /** {@code struct object_cache_info}: size, used, 1024 of {vid, dirty, total}, count, directio. */
    private static final int CACHE_MAX = 1024;
    private static final int INFO_SIZE = 16 + CACHE_MAX * 12 + 8;
    private static final int COUNT_AT = 16 + CACHE_MAX * 12;
    /** {@code SD_DATA_OBJ_SIZE}: the cache counts objects, dog shows them as bytes of 4 MiB objects. */
    private static final long OBJECT_SIZE = 1L << Limits.DEFAULT_BLOCK_SIZE_SHIFT;

    private final Session s;
    private final VdiOptions o;
    private final Vdis vdis;

    VdiCache(Session s, VdiOptions o, Vdis vdis) {
        this.s = s;
        this.o = o;
        this.vdis = vdis;
    }

    int flush() {
        return onVdi(Opcode.FLUSH_VDI, 0);
    }

    int delete() {
        return onVdi(Opcode.DELETE_CACHE, 0);
    }

    int purge() {
        if (s.arg(s.optind) != null) {
            return onVdi(Opcode.CACHE_PURGE, Flags.WRITE);
        }
        s.confirm("This operation purges the cache of all the vdi. Continue? [yes/no]: ");
        return send(Session.request(Opcode.CACHE_PURGE, 0, 0, 0, 0, 0, 0));
    }

    int info() {
        Response r = s.exec(Session.request(Opcode.GET_CACHE_INFO, 0, INFO_SIZE, 0, 0, 0, 0), null);
        if (r == null) {
            return ExitCode.SYSFAIL;
        }
        if (!r.ok()) {
            s.err("failed to get cache infomation: %s", ResultCode.describe(r.result()));
            return ExitCode.FAILURE;
        }
        ByteBuffer info = ByteBuffer.allocate(INFO_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        info.put(Session.data(r).limit(Math.min(r.payload().size(), INFO_SIZE))).clear();
        s.out().print("Name\tTag\tTotal\tDirty\tClean\n");
        int count = Math.min(info.getInt(COUNT_AT), CACHE_MAX);
        for (int i = 0; i < count; i++) {
            int at = 16 + i * 12;
            long total = Integer.toUnsignedLong(info.getInt(at + 8)) * OBJECT_SIZE;
            long dirty = Integer.toUnsignedLong(info.getInt(at + 4)) * OBJECT_SIZE;
            Vdis.Read inode = vdis.read(Oid.vidToVdiOid(info.getInt(at)), Inode.HEADER_SIZE, 0, true);
            if (!inode.ok()) {
                return ExitCode.FAILURE;
            }
            Inode.Header h = new InodeImage(inode.data()).header();
            s.out().printf("%s\t%s\t%s\t%s\t%s\n", Vdis.shown(h.name()), Vdis.shown(h.tag()), size(total),
                    size(dirty), size(total - dirty));
        }
        s.out().printf("\nCache size %s, used %s, %s\n", size(info.getLong(0)), size(info.getLong(8)),
                info.get(COUNT_AT + 4) != 0 ? "directio" : "non-directio");
        return ExitCode.SUCCESS;
    }

    private String size(long bytes) {
        return Text.size(bytes, s.raw);
    }

    /** The request about one VDI, named by the operand, sent to the node dog talks to. */
    private int onVdi(int opcode, int flags) {
        String name = s.arg(s.optind);
        if (name == null) {
            s.err("please specify VDI name");
            return ExitCode.FAILURE;
        }
        s.optind++;
        Vdis.Lookup l = vdis.find(name, o.snapshotId, o.snapshotTag);
        if (!l.ok()) {
            s.err("Failed to open VDI %s", name);
            return ExitCode.FAILURE;
        }
        return send(Session.request(opcode, flags, 0, Oid.vidToVdiOid(l.vid()), 0, 0, 0));
    }

    private int send(RequestHeader h) {
        if (!s.lightRequest(s.target, h)) {
            s.err("failed to execute request");
            return ExitCode.FAILURE;
        }
        return ExitCode.SUCCESS;
    }
}
