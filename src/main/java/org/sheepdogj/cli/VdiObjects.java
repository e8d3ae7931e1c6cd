package org.sheepdogj.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import org.sheepdogj.placement.Ring;
import org.sheepdogj.protocol.EpochLog;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;

/**
 * {@code dog vdi object location|map|dump-inode} and {@code vdi track}: where a VDI's objects are, where they
 * should be, and where they were at each epoch.
 */
final class VdiObjects {
    /** {@code MAX_DATA_OBJS}. */
    private static final long MAX_DATA_OBJS = 1L << 32;
    private static final long NO_INDEX = -1;

    private final Session s;
    private final VdiOptions o;
    private final Vdis vdis;

    VdiObjects(Session s, VdiOptions o, Vdis vdis) {
        this.s = s;
        this.o = o;
        this.vdis = vdis;
    }

    int map() {
        String name = s.arg(s.optind);
        Vdis.Opened v = vdis.open(name, o.snapshotId, o.snapshotTag, Inode.SIZE);
        if (v == null) {
            s.err("FATAL: %s not found", name);
            return ExitCode.FAILURE;
        }
        PrintStream out = s.out();
        out.print("Index       VID\n");
        if (o.index != NO_INDEX) {
            out.print(indexLine(o.index, vdis.vidAt(v.inode(), o.index)));
        } else {
            long max = v.inode().dataObjects();
            for (long idx = 0; idx < max; idx++) {
                int vid = vdis.vidAt(v.inode(), idx);
                if (vid != 0) {
                    out.print(indexLine(idx, vid));
                }
            }
        }
        return ExitCode.SUCCESS;
    }

    /** {@code "%08" PRIu64 " %8" PRIx32}. */
    private static String indexLine(long idx, int vid) {
        String digits = Long.toUnsignedString(idx);
        return "0".repeat(Math.max(0, 8 - digits.length())) + digits + String.format(" %8x\n", vid);
    }

    /** The VDI named by the operand and the snapshot options, its inode read whole; null (reported) if none. */
    private Vdis.Opened openWhole() {
        Vdis.Opened v = vdis.open(s.arg(s.optind), o.snapshotId, o.snapshotTag, Inode.SIZE);
        if (v == null) {
            s.err("FATAL: no inode objects");
        }
        return v;
    }

    int location() {
        Vdis.Opened v = openWhole();
        if (v == null) {
            return ExitCode.FAILURE;
        }
        Inode.Header h = v.inode().header();
        int vid = h.vdiId();
        int nodes = s.members().nodes().size();
        PrintStream out = s.out();
        if (o.index == NO_INDEX) {
            out.print(String.format("Looking for the inode object 0x%x with %d nodes\n\n", vid, nodes));
            whoHas(Oid.vidToVdiOid(vid));
            expectedLocation(Oid.vidToVdiOid(vid), h.nrCopies());
            return ExitCode.SUCCESS;
        }
        if (Long.compareUnsigned(o.index, MAX_DATA_OBJS) >= 0) {
            out.print("The offset is too large!\n");
            return ExitCode.FAILURE;
        }
        int holder = vdis.vidAt(v.inode(), o.index);
        long oid = Oid.vidToDataOid(holder, o.index);
        if (holder != 0) {
            out.print(String.format("Looking for the object 0x%x (vid 0x%x idx %d, %d copies) with %d nodes\n\n",
                    oid, vid, o.index, h.nrCopies(), nodes));
            whoHas(oid);
            expectedLocation(oid, h.nrCopies());
        } else {
            out.print(String.format("The inode object 0x%x idx %d is not allocated\n", vid, o.index));
        }
        return ExitCode.SUCCESS;
    }

    /** {@code for_each_node_print}: asks every node whether it stores the object. */
    private void whoHas(long oid) {
        for (SdNode n : s.members().nodes()) {
            RequestHeader h = Session.request(Opcode.EXIST, 0, 0, oid, 0, 0, 0).withEpoch(s.members().epoch());
            Response r = s.wire.exec(n.nid(), h, null);
            if (r == null) {
                continue;
            }
            String sheep = Text.address(n.nid());
            switch (r.result()) {
                case ResultCode.SUCCESS -> s.out().print(sheep + " has the object\n");
                case ResultCode.NO_OBJ -> s.out().print(sheep + " doesn't have the object\n");
                case ResultCode.OLD_NODE_VER, ResultCode.NEW_NODE_VER ->
                        s.err("The node list has changed: please try again");
                default -> s.err("%s: hit an unexpected error (%s)", sheep, ResultCode.describe(r.result()));
            }
        }
    }

    /** {@code print_expected_location}: the nodes the ring gives the object. */
    private void expectedLocation(long oid, int copies) {
        PrintStream out = s.out();
        int nodes = s.members().nodes().size();
        if (nodes < copies) {
            out.print(String.format("\nBecause number of nodes (%d) is less than number of copies (%d), the object"
                    + " should be located at every nodes.\n", nodes, copies));
            return;
        }
        out.print("\nAccording to sheepdog algorithm, the object should be located at:\n");
        List<SdNode> at = s.members().ring().replicas(oid, copies);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < at.size(); i++) {
            b.append(i == 0 ? "" : " ").append(Text.address(at.get(i).nid()));
        }
        out.print(b.append('\n'));
    }

    int dumpInode() {
        Path file = Path.of(s.arg(s.optind));
        byte[] bytes = new byte[Inode.SIZE];
        int got;
        try (InputStream in = Files.newInputStream(file)) {
            got = VdiData.readFully(in, bytes);
        } catch (NoSuchFileException e) {
            s.err("failed to open inode object file: No such file or directory");
            return ExitCode.FAILURE;
        } catch (AccessDeniedException e) {
            s.err("failed to open inode object file: Permission denied");
            return ExitCode.FAILURE;
        } catch (IOException e) {
            s.err("failed to read inode object file: %s", Files.isDirectory(file) ? "Is a directory" : e.getMessage());
            return ExitCode.FAILURE;
        }
        if (got != bytes.length) {
            s.err("failed to read inode object file: %s", s.staleErrno());
            return ExitCode.FAILURE;
        }
        InodeImage inode = new InodeImage(bytes);
        Inode.Header h = inode.header();
        StringBuilder b = new StringBuilder();
        b.append("name: ").append(h.name()).append('\n');
        b.append("tag: ").append(h.tag()).append('\n');
        b.append(String.format("create_time: %x\n", h.createTime()));
        b.append(String.format("snap_ctime: %x\n", h.snapCtime()));
        b.append(String.format("vm_clock_nsec: %x\n", h.vmClockNsec()));
        b.append("vdi_size: ").append(Long.toUnsignedString(h.vdiSize())).append('\n');
        b.append("vm_state_size: ").append(Long.toUnsignedString(h.vmStateSize())).append('\n');
        b.append("copy_policy: ").append(h.copyPolicy()).append('\n');
        b.append("store_policy: ").append(h.storePolicy()).append('\n');
        b.append("nr_copies: ").append(h.nrCopies()).append('\n');
        b.append("block_size_shift: ").append(h.blockSizeShift()).append('\n');
        b.append("snap_id: ").append(Integer.toUnsignedString(h.snapId())).append('\n');
        b.append(String.format("vdi_id: %x\n", h.vdiId()));
        b.append(String.format("parent_vdi_id: %x\n", h.parentVdiId()));
        b.append("btree_counter: ").append(Integer.toUnsignedString(h.btreeCounter())).append('\n');
        b.append("data_vdi_id:\n");
        for (int i = 0; i < Inode.DATA_INDEX_COUNT; i++) {
            if (inode.vid(i) != 0) {
                b.append(i).append(": ").append(Integer.toHexString(inode.vid(i))).append('\n');
            }
        }
        b.append("gref:\n");
        for (int i = 0; i < Inode.DATA_INDEX_COUNT; i++) {
            if (inode.vid(i) == 0) {
                if (inode.generation(i) != 0 || inode.refCount(i) != 0) {
                    b.append(String.format("WARNING: index %d doesn't have data vdi ID but its generation and count"
                            + " is not zero(%d, %d)", i, inode.generation(i), inode.refCount(i)));
                }
                continue;
            }
            b.append(String.format("%d: %x, %d, %d\n", i, inode.vid(i), inode.generation(i), inode.refCount(i)));
        }
        s.out().print(b);
        return ExitCode.SUCCESS;
    }

    int track() {
        long idx = o.index & 0xffffffffL;
        Vdis.Opened v = openWhole();
        if (v == null) {
            return ExitCode.FAILURE;
        }
        Inode.Header h = v.inode().header();
        int vid = h.vdiId();
        int nodes = s.members().nodes().size();
        long oid = o.oid;
        if (oid == 0) {
            if (idx == 0xffffffffL) {
                s.out().print(String.format("Tracking the inode object 0x%x with %d nodes\n", vid, nodes));
                return track(Oid.vidToVdiOid(vid), h.nrCopies());
            }
            oid = Oid.vidToDataOid(vdis.vidAt(v.inode(), idx), idx);
            s.out().print(String.format("Tracking the object 0x%x (the inode vid 0x%x idx %d) with %d nodes\n", oid,
                    vid, idx, nodes));
        } else {
            s.out().print(String.format("Tracking the object 0x%x (the inode vid 0x%x) with %d nodes\n", oid, vid,
                    nodes));
        }
        return track(oid, h.nrCopies());
    }

    /**
     * {@code do_track_object}: the object's nodes by the ring of every epoch, newest first. Like dog, an epoch with
     * fewer nodes than copies lists its nodes and is then shown again in place of the next one.
     */
    private int track(long oid, int copies) {
        int slots = s.members().nodes().size();
        Response r;
        while (true) {
            int length = s.members().epoch() * EpochLog.recordSize(slots);
            RequestHeader h = Session.request(Opcode.STAT_CLUSTER, 0, length, 0, 0, 0, slots & 0xffffffffL);
            r = s.exec(h, null);
            if (r == null) {
                return ExitCode.SYSFAIL;
            }
            if (r.result() != ResultCode.BUFFER_SMALL) {
                break;
            }
            slots *= 2;
        }
        if (!r.ok()) {
            s.out().print(ResultCode.describe(r.result()) + "\n");
            return ExitCode.SYSFAIL;
        }
        int recordSize = EpochLog.recordSize(slots);
        int records = r.header().dataLength() / recordSize;
        PrintStream out = s.out();
        int at = 0;
        for (int i = records - 1; i >= 0; i--) {
            EpochLog log = EpochLog.decode(Session.data(r).position(at * recordSize));
            out.print(String.format("\nobj %x locations at epoch %d, copies = %d\n", oid, log.epoch(), copies));
            out.print("---------------------------------------------------\n");
            if (log.nodes().size() < copies) {
                for (SdNode n : log.nodes()) {
                    out.print(Text.address(n.nid()) + "\n");
                }
                continue;
            }
            for (SdNode n : new Ring(log.nodes().stream().sorted().toList()).replicas(oid, copies)) {
                out.print(Text.address(n.nid()) + "\n");
            }
            at++;
        }
        return ExitCode.SUCCESS;
    }

}
