package org.sheepdogj.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Limits;
import org.sheepdogj.protocol.Names;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.ProtocolVersion;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;

/**
 * The VDI requests several dog commands share ({@code dog/common.c}, {@code dog/vdi.c}): looking a VDI up, reading
 * its inode, reading and writing objects, creating and deleting VDIs, and walking every VDI of the cluster.
 */
final class Vdis {
    private static final int NAME_LEN = 256;
    /** {@code NR_BATCHED_DISCARD}: index entries cleared per inode write when a VDI is deleted. */
    private static final int DISCARD_BATCH = 128;

    private final Session s;
    private final BTreeIndex btree;

    Vdis(Session s) {
        this.s = s;
        this.btree = new BTreeIndex(s, this);
    }

    /** A name lookup's outcome: the result code and, on success, the VDI id. */
    record Lookup(int result, int vid) {
        boolean ok() {
            return result == ResultCode.SUCCESS;
        }
    }

    /** An object read's outcome: the result code and the bytes. */
    record Read(int result, byte[] data) {
        boolean ok() {
            return result == ResultCode.SUCCESS;
        }
    }

    /** An opened VDI: its id and its inode as far as it was read. */
    record Opened(int vid, InodeImage inode) {
    }

    /** What a VDI walk hands over for each VDI ({@code vdi_parser_func_t}). */
    interface Visitor {
        void visit(int vid, String name, String tag, int snapId, InodeImage inode);
    }

    /** {@code pstrcpy} into a zeroed field: at most {@code len - 1} bytes, then NUL. */
    static byte[] field(String text, int len) {
        byte[] b = Names.bytes(text);
        byte[] out = new byte[len];
        System.arraycopy(b, 0, out, 0, Math.min(b.length, len - 1));
        return out;
    }

    /** A string as C's printf shows it, NULL included. */
    static String shown(String text) {
        return text == null ? "(null)" : text;
    }

    static byte[] nameAndTag(String name, String tag) {
        byte[] out = new byte[2 * NAME_LEN];
        System.arraycopy(field(name, NAME_LEN), 0, out, 0, NAME_LEN);
        if (tag != null) {
            System.arraycopy(field(tag, NAME_LEN), 0, out, NAME_LEN, NAME_LEN);
        }
        return out;
    }

    /** {@code find_vdi_name}: GET_VDI_INFO; EIO when the node could not be asked. */
    Lookup find(String name, int snapId, String tag) {
        RequestHeader h = RequestHeader.vdi(Opcode.GET_VDI_INFO, Flags.WRITE, 2 * NAME_LEN, 0, 0, 0, 0, 0, 0, snapId,
                0);
        Response r = s.exec(h, nameAndTag(name, tag));
        if (r == null) {
            return new Lookup(ResultCode.EIO, 0);
        }
        return new Lookup(r.result(), r.ok() ? r.header().vdiId() : 0);
    }

    /** {@code read_vdi_obj}: the VDI by name and snapshot, and the first {@code size} bytes of its inode. */
    Opened open(String name, int snapId, String tag, int size) {
        Lookup l = find(name, snapId, tag);
        if (!l.ok()) {
            s.err("Failed to open VDI %s (snapshot id: %d snapshot tag: %s): %s", name, snapId, shown(tag),
                    ResultCode.describe(l.result()));
            return null;
        }
        Read r = read(Oid.vidToVdiOid(l.vid()), size, 0, true);
        if (!r.ok()) {
            if (snapId != 0) {
                s.err("Failed to read a snapshot %s:%d", name, snapId);
            } else if (tag != null && !tag.isEmpty()) {
                s.err("Failed to read a snapshot %s:%s", name, tag);
            } else {
                s.err("Failed to read a vdi %s", name);
            }
            return null;
        }
        return new Opened(l.vid(), new InodeImage(r.data()));
    }

    /** {@code dog_read_object}. */
    Read read(long oid, int length, long offset, boolean direct) {
        RequestHeader h = new RequestHeader(ProtocolVersion.DOG, Opcode.READ_OBJ, direct ? Flags.DIRECT : 0, 0, 0,
                length, oid, 0, 0, offset);
        Response r = s.exec(h, null);
        if (r == null) {
            s.err("Failed to read object %x", oid);
            return new Read(ResultCode.EIO, null);
        }
        if (!r.ok()) {
            s.err("Failed to read object %x %s", oid, ResultCode.describe(r.result()));
            return new Read(r.result(), null);
        }
        byte[] data = new byte[length];
        ByteBuffer got = r.payload().asByteBuffer();
        got.get(data, 0, Math.min(length, got.remaining()));
        return new Read(ResultCode.SUCCESS, data);
    }

    /** {@code dog_write_object}: CREATE_AND_WRITE_OBJ (copying {@code cowOid} if not 0) or WRITE_OBJ. */
    int write(long oid, long cowOid, byte[] data, long offset, int flags, int copies, int copyPolicy,
              boolean create, boolean direct) {
        int f = flags | Flags.WRITE | (cowOid != 0 ? Flags.COW : 0) | (direct ? Flags.DIRECT : 0);
        int op = create ? Opcode.CREATE_AND_WRITE_OBJ : Opcode.WRITE_OBJ;
        long word2 = (copies & 0xff) | ((long) (copyPolicy & 0xff) << 8);
        RequestHeader h = new RequestHeader(ProtocolVersion.DOG, op, f, 0, 0, data.length, oid, cowOid, word2,
                offset);
        Response r = s.exec(h, data);
        if (r == null) {
            s.err("Failed to write object %x", oid);
            return ResultCode.EIO;
        }
        if (!r.ok()) {
            s.err("Failed to write object %x: %s", oid, ResultCode.describe(r.result()));
            return r.result();
        }
        return ResultCode.SUCCESS;
    }

    /**
     * Whether the index of this inode cannot be written by this dog: a hyper volume's B-tree is only read here.
     * Reported when true.
     */
    boolean indexReadOnly(InodeImage inode) {
        if (inode.header().storePolicy() == 0) {
            return false;
        }
        s.err("changing the index of a hyper volume is not supported by this dog");
        return true;
    }

    /** {@code sd_inode_get_vid}: the VDI that holds object {@code idx}, through the B-tree of a hyper volume. */
    int vidAt(InodeImage inode, long idx) {
        return inode.header().storePolicy() == 0 ? inode.vid(idx) : btree.vid(inode, idx);
    }

    /** {@code sd_inode_stat}: objects of the VDI's own, and objects it shares with others. */
    long[] objectCounts(InodeImage inode) {
        return inode.header().storePolicy() == 0 ? inode.objectCounts() : btree.objectCounts(inode);
    }

    /** {@code sd_inode_index_walk} of a hyper volume. */
    void walkIndex(InodeImage inode, BTreeIndex.Visitor visitor) {
        btree.walk(inode, visitor);
    }

    /** {@code sd_inode_write_vid} of a flat index: one index entry of the inode of {@code vid}. */
    int writeIndexEntry(Inode.Header owner, int vid, long idx, int value, int flags, boolean direct) {
        byte[] v = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
        return write(Oid.vidToVdiOid(vid), 0, v, Inode.indexOffset(idx), flags, owner.nrCopies(),
                owner.copyPolicy(), false, direct);
    }

    /** What NEW_VDI came to: dog's exit status and, on success, the new VDI's id. */
    record Created(int status, int vid) {
        boolean ok() {
            return status == ExitCode.SUCCESS;
        }
    }

    /** {@code do_vdi_create}: NEW_VDI with the layout given (copies, policies, object size). */
    Created create(String name, long size, int baseVid, boolean snapshot, int copies, int copyPolicy,
                   int storePolicy, int blockSizeShift) {
        RequestHeader h = RequestHeader.vdi(Opcode.NEW_VDI, Flags.WRITE, NAME_LEN, size, baseVid, copies, copyPolicy,
                storePolicy, blockSizeShift, snapshot ? 1 : 0, 0);
        Response r = s.exec(h, field(name, NAME_LEN));
        if (r == null) {
            return new Created(ExitCode.SYSFAIL, 0);
        }
        if (!r.ok()) {
            s.err("Failed to create VDI %s: %s", name, ResultCode.describe(r.result()));
            return new Created(ExitCode.FAILURE, 0);
        }
        return new Created(ExitCode.SUCCESS, r.header().vdiId());
    }

    /** {@code do_vdi_create} of a VDI laid out as {@code like} (its copies, policies and object size). */
    Created createLike(Inode.Header like, String name, long size, int baseVid, boolean snapshot) {
        return create(name, size, baseVid, snapshot, like.nrCopies(), like.copyPolicy(), like.storePolicy(),
                like.blockSizeShift());
    }

    /**
     * {@code do_vdi_delete}: first the objects are let go (the inode's index cleared in batches), then DEL_VDI.
     * Like dog's, it reports failures but always answers success.
     */
    int delete(String name, int snapId, String tag) {
        Lookup l = find(name, snapId, tag);
        if (!l.ok()) {
            s.err("Failed to open VDI %s (snapshot id: %d snapshot tag: %s): %s", name, snapId, shown(tag),
                    ResultCode.describe(l.result()));
            return ExitCode.SUCCESS;
        }
        Read r = read(Oid.vidToVdiOid(l.vid()), Inode.SIZE, 0, false);
        if (!r.ok()) {
            s.err("failed to read inode object: %x", Oid.vidToVdiOid(l.vid()));
            return ExitCode.SUCCESS;
        }
        InodeImage inode = new InodeImage(r.data());
        if (!discardIndex(l.vid(), inode)) {
            return ExitCode.SUCCESS;
        }
        RequestHeader h = RequestHeader.vdi(Opcode.DEL_VDI, Flags.WRITE, 2 * NAME_LEN, 0, 0, 0, 0, 0, 0, snapId, 0);
        Response d = s.exec(h, nameAndTag(name, tag));
        if (d != null && !d.ok()) {
            s.err("Failed to delete %s: %s", name, ResultCode.describe(d.result()));
        }
        return ExitCode.SUCCESS;
    }

    /** Clears the inode's index, {@value #DISCARD_BATCH} used entries per write, so the node drops the objects. */
    private boolean discardIndex(int vid, InodeImage inode) {
        Inode.Header h = inode.header();
        long count = h.dataObjectCount();
        long i = 0;
        while (i < count) {
            while (i < count && inode.vid(i) == 0) {
                i++;
            }
            long start = i;
            int cleared = 0;
            while (i < count && cleared < DISCARD_BATCH) {
                if (inode.vid(i) != 0) {
                    inode.setVid(i, 0);
                    cleared++;
                }
                i++;
            }
            byte[] zeros = new byte[(int) (i - start) * 4];
            int ret = write(Oid.vidToVdiOid(vid), 0, zeros, Inode.indexOffset(start), 0, h.nrCopies(),
                    h.copyPolicy(), false, true);
            if (ret != ResultCode.SUCCESS) {
                s.err("failed to update inode for discarding objects: %x", Oid.vidToVdiOid(vid));
                return false;
            }
        }
        return true;
    }

    /**
     * {@code parse_vdi}: every VDI in use and not deleted, in VDI id order, with its inode read up to {@code size}
     * bytes (the index only as far as the VDI's size needs). Negative when the bitmaps could not be had; else,
     * as dog's, the result of the last inode read.
     */
    int walk(Visitor visitor, int size, boolean skipDeleted) {
        byte[] inUse = bitmap(Opcode.READ_VDIS);
        if (inUse == null || inUse.length == 0) {
            return inUse == null ? -1 : 0;
        }
        byte[] deleted = bitmap(Opcode.READ_DEL_VDIS);
        if (deleted == null || deleted.length == 0) {
            return deleted == null ? -1 : 0;
        }
        int last = ResultCode.SUCCESS;
        for (int vid = 0; vid < Limits.NR_VDIS; vid++) {
            if (inUse[vid >>> 3] == 0) {
                vid |= 7;
                continue;
            }
            if (!bit(inUse, vid) || bit(deleted, vid)) {
                continue;
            }
            Read head = read(Oid.vidToVdiOid(vid), InodeImage.LISTING_READ, 0, true);
            last = head.result();
            if (!head.ok()) {
                s.err("Failed to read inode header");
                continue;
            }
            InodeImage inode = new InodeImage(head.data());
            if (skipDeleted && inode.header().name().isEmpty()) {
                continue;
            }
            if (size > Inode.HEADER_SIZE) {
                Read index = readIndex(vid, inode, size);
                last = index.result();
                if (!index.ok()) {
                    s.err("Failed to read inode");
                    continue;
                }
                inode = new InodeImage(index.data());
            }
            Inode.Header h = inode.header();
            visitor.visit(h.vdiId(), h.name(), h.tag(), h.isSnapshot() ? h.snapId() : 0, inode);
        }
        return last;
    }

    /** The index after the header, as far as the VDI's size needs it; the answer holds header and index. */
    private Read readIndex(int vid, InodeImage header, int size) {
        long limit = size - Inode.HEADER_SIZE - 4L;
        int len = header.header().storePolicy() == 0 ? (int) Math.min(header.dataObjects() * 4, limit)
                : BTreeIndex.rootSize(header);
        Read index = read(Oid.vidToVdiOid(vid), len, Inode.HEADER_SIZE, true);
        if (!index.ok()) {
            return index;
        }
        byte[] all = new byte[Inode.HEADER_SIZE + len];
        System.arraycopy(header.bytes(), 0, all, 0, Inode.HEADER_SIZE);
        System.arraycopy(index.data(), 0, all, Inode.HEADER_SIZE, len);
        return new Read(ResultCode.SUCCESS, all);
    }

    /** A VDI bitmap; empty when the node refused (reported), null when it could not be asked. */
    private byte[] bitmap(int opcode) {
        Response r = s.exec(RequestHeader.plain(opcode, 0, Limits.VDI_BITMAP_SIZE), null);
        if (r == null) {
            return null;
        }
        if (!r.ok()) {
            s.err("%s", ResultCode.describe(r.result()));
            return new byte[0];
        }
        byte[] b = new byte[Limits.VDI_BITMAP_SIZE];
        ByteBuffer got = r.payload().asByteBuffer();
        got.get(b, 0, Math.min(b.length, got.remaining()));
        return b;
    }

    /** Bit {@code nr} of a bitmap of little-endian longs, as sheep's {@code test_bit}. */
    private static boolean bit(byte[] map, int nr) {
        return (map[nr >>> 3] & (1 << (nr & 7))) != 0;
    }
}
