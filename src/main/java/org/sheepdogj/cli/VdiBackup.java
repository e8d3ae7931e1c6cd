package org.sheepdogj.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.ResultCode;

/**
 * {@code dog vdi backup} and {@code vdi restore}: the difference between two snapshots as dog 1.0 writes it (an
 * 8-byte header, then for each changed object its index, offset and length and the changed bytes, sector aligned,
 * then an end marker), and the way back.
 */
final class VdiBackup {
    private static final int FORMAT_VERSION = 1;
    private static final int MAGIC = 0x11921192;
    private static final int SECTOR = 512;
    private static final int RECORD = 16;
    private static final int END = -1;

    private final Session s;
    private final VdiOptions o;
    private final Vdis vdis;

    VdiBackup(Session s, VdiOptions o, Vdis vdis) {
        this.s = s;
        this.o = o;
        this.vdis = vdis;
    }

    int backup() {
        String name = s.nextArg();
        if (!o.snapshotGiven() || (o.fromSnapshotId == 0 && o.fromSnapshotTag.isEmpty())) {
            s.err("Please specify snapshots with '-F' and '-s' options");
            return ExitCode.USAGE;
        }
        Vdis.Opened from = vdis.open(name, o.fromSnapshotId, o.fromSnapshotTag, Inode.SIZE);
        if (from == null) {
            return ExitCode.FAILURE;
        }
        Vdis.Opened to = vdis.open(name, o.snapshotId, o.snapshotTag, Inode.SIZE);
        if (to == null) {
            return ExitCode.FAILURE;
        }
        long count = to.inode().dataObjects();
        int objectSize = (int) from.inode().header().objectSize();
        s.out().write(le(FORMAT_VERSION, MAGIC), 0, 8);
        for (long idx = 0; idx < count; idx++) {
            int fromVid = vdis.vidAt(from.inode(), idx);
            int toVid = vdis.vidAt(to.inode(), idx);
            if (fromVid == 0 && toVid == 0) {
                continue;
            }
            byte[] target = object(toVid, idx, objectSize);
            byte[] base = object(fromVid, idx, objectSize);
            if (target == null || base == null) {
                return ExitCode.FAILURE;
            }
            int[] span = changed(target, base);
            if (span[1] == 0) {
                continue;
            }
            s.out().write(le((int) idx, span[0], span[1], 0), 0, RECORD);
            s.out().write(target, span[0], span[1]);
        }
        s.out().write(le(END, 0, 0, 0), 0, RECORD);
        s.out().flush();
        return ExitCode.SUCCESS;
    }

    /** An object's bytes, zeros when no VDI holds it; null (reported) when it cannot be read. */
    private byte[] object(int vid, long idx, int objectSize) {
        if (vid == 0) {
            return new byte[objectSize];
        }
        Vdis.Read r = vdis.read(Oid.vidToDataOid(vid, idx), objectSize, 0, true);
        if (!r.ok()) {
            s.err("Failed to read object %x, %d", vid, idx);
            return null;
        }
        return r.data();
    }

    /** {@code compact_obj_backup}: offset and length left once the equal sectors at both ends are cut. */
    private static int[] changed(byte[] target, byte[] base) {
        int offset = 0;
        int length = target.length;
        while (length > 0 && sectorEquals(target, base, offset)) {
            offset += SECTOR;
            length -= SECTOR;
        }
        int tail = target.length - SECTOR;
        while (length > 0 && sectorEquals(target, base, tail)) {
            tail -= SECTOR;
            length -= SECTOR;
        }
        return new int[] {offset, length};
    }

    private static boolean sectorEquals(byte[] a, byte[] b, int at) {
        return Arrays.equals(a, at, at + SECTOR, b, at, at + SECTOR);
    }

    private static byte[] le(int... words) {
        ByteBuffer b = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) {
            b.putInt(w);
        }
        return b.array();
    }

    int restore() {
        String name = s.nextArg();
        if (!o.snapshotGiven()) {
            s.err("We can restore a backup file only to snapshots");
            s.err("Please specify the '-s' option");
            return ExitCode.USAGE;
        }
        if (vdis.open(name, o.snapshotId, o.snapshotTag, Inode.SIZE) == null) {
            s.err("Snapshot ID %d or tag %s doesn't exist", o.snapshotId, o.snapshotTag);
            return ExitCode.FAILURE;
        }
        Vdis.Opened current = vdis.open(name, 0, "", Inode.HEADER_SIZE);
        if (current == null) {
            return ExitCode.FAILURE;
        }
        Inode.Header cur = current.inode().header();
        Vdis.Read parent = vdis.read(Oid.vidToVdiOid(cur.parentVdiId()), Inode.HEADER_SIZE, 0, true);
        if (!parent.ok()) {
            s.out().print("error\n");
            return parent.result();
        }
        if (s.term.stdinIsConsole()) {
            s.err("stdin must be pipe");
            return ExitCode.USAGE;
        }
        vdis.delete(name, 0, null);
        int ret = restoreObjects(name);
        Vdis.Created resumed = vdis.createLike(cur, name, cur.vdiSize(), cur.parentVdiId(), true);
        if (!resumed.ok()) {
            s.err("failed to resume the current vdi");
            return resumed.status();
        }
        return ret;
    }

    /** {@code do_restore}: a new VDI from the snapshot, with the backup's bytes written over it. */
    private int restoreObjects(String name) {
        byte[] head = new byte[8];
        if (read(head) != head.length) {
            s.err("failed to read backup header, %s", s.staleErrno());
        }
        ByteBuffer hb = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        if (hb.getInt(0) != FORMAT_VERSION || hb.getInt(4) != MAGIC) {
            s.err("The backup file is corrupted");
            return ExitCode.SYSFAIL;
        }
        Vdis.Opened snap = vdis.open(name, o.snapshotId, o.snapshotTag, Inode.SIZE);
        if (snap == null) {
            return ExitCode.FAILURE;
        }
        Inode.Header h = snap.inode().header();
        Vdis.Created restored = vdis.createLike(h, name, h.vdiSize(), h.vdiId(), false);
        if (!restored.ok()) {
            s.err("Failed to read VDI");
            return restored.status();
        }
        while (true) {
            byte[] record = new byte[RECORD];
            if (read(record) != RECORD) {
                s.err("failed to read backup data");
                return ExitCode.SYSFAIL;
            }
            ByteBuffer rb = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
            int idx = rb.getInt(0);
            if (idx == END) {
                return ExitCode.SUCCESS;
            }
            byte[] data = new byte[rb.getInt(8)];
            if (read(data) != data.length) {
                s.err("failed to read backup data");
                return ExitCode.SYSFAIL;
            }
            if (restoreObject(Integer.toUnsignedLong(idx), rb.getInt(4), data, restored.vid(), snap.inode())
                    != ResultCode.SUCCESS) {
                s.err("failed to restore backup");
                vdis.delete(name, 0, null);
                return ExitCode.FAILURE;
            }
        }
    }

    /** {@code restore_obj}: the object copied from the snapshot's and overwritten, then recorded in the index. */
    private int restoreObject(long idx, int offset, byte[] data, int vid, InodeImage parent) {
        Inode.Header h = parent.header();
        int parentVid = vdis.vidAt(parent, idx);
        long parentOid = parentVid != 0 ? Oid.vidToDataOid(parentVid, idx) : 0;
        int ret = vdis.write(Oid.vidToDataOid(vid, idx), parentOid, data, Integer.toUnsignedLong(offset), 0,
                h.nrCopies(), h.copyPolicy(), true, true);
        if (ret != ResultCode.SUCCESS) {
            return ret;
        }
        return vdis.writeIndexEntry(h, vid, idx, vid, 0, true);
    }

    private int read(byte[] buf) {
        try {
            return VdiData.readFully(s.term.in(), buf);
        } catch (IOException e) {
            return -1;
        }
    }
}
