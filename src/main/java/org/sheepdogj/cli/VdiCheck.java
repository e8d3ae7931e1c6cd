package org.sheepdogj.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;

/**
 * {@code dog vdi check} and {@code cluster check} ({@code do_vdi_check}): every copy of every object of a VDI is
 * compared by its SHA-1 on the node that should hold it; the copies that differ from the majority, or are missing,
 * are repaired from a majority copy by the node itself (REPAIR_REPLICA). With {@code -e} only the presence of each
 * copy is checked (OIDS_EXIST). The original checks objects in parallel; this one checks them in order.
 */
final class VdiCheck {
    private final Session s;
    private final Vdis vdis;

    VdiCheck(Session s, Vdis vdis) {
        this.s = s;
        this.vdis = vdis;
    }

    int vdi(VdiOptions o) {
        String name = s.nextArg();
        Vdis.Opened v = vdis.open(name, o.snapshotId, o.snapshotTag, Inode.SIZE);
        if (v == null) {
            s.err("FATAL: no inode objects");
            return ExitCode.FAILURE;
        }
        return o.exist ? exist(v.inode()) : check(v.inode());
    }

    /** {@code cluster check}: every VDI and snapshot in turn. */
    int cluster() {
        int ret = vdis.walk((vid, name, tag, snapId, inode) -> {
            if (inode.header().isSnapshot()) {
                s.out().print(String.format("fix snapshot %s (id: %d, tag: \"%s\")\n", name, snapId, tag));
            } else {
                s.out().print("fix vdi " + name + "\n");
            }
            check(inode);
        }, Inode.SIZE, true);
        return ret < 0 ? ExitCode.SYSFAIL : ExitCode.SUCCESS;
    }

    private int check(InodeImage inode) {
        Inode.Header h = inode.header();
        int zones = s.members().zones();
        int copies = Math.min(h.nrCopies(), zones);
        if (h.copyPolicy() > 0) {
            if (zones < h.nrCopies()) {
                s.err("ABORT: Not enough active zones for consistency-checking erasure coded VDI");
            } else {
                s.err("checking erasure coded VDIs is not supported by this dog");
            }
            return ExitCode.FAILURE;
        }
        checkObject(Oid.vidToVdiOid(h.vdiId()), copies);
        long objectSize = h.objectSize();
        if (h.storePolicy() != 0) {
            vdis.walkIndex(inode, (idx, vid) -> {
                if (vid != 0) {
                    Progress.show(s, idx * objectSize, h.vdiSize(), false);
                    checkObject(Oid.vidToDataOid(vid, idx), copies);
                }
            });
            Progress.show(s, h.vdiSize(), h.vdiSize(), false);
        } else {
            long done = 0;
            Progress.show(s, done, h.vdiSize(), false);
            long max = h.dataObjectCount();
            for (long idx = 0; idx < max; idx++) {
                int vid = inode.vid(idx);
                if (vid != 0) {
                    checkObject(Oid.vidToDataOid(vid, idx), copies);
                }
                done += objectSize;
                Progress.show(s, done, h.vdiSize(), false);
            }
        }
        s.out().print("finish check&repair " + h.name() + "\n");
        return ExitCode.SUCCESS;
    }

    /** One copy as found on its node: whether it is there, and its SHA-1. */
    private record Copy(SdNode node, boolean found, byte[] hash) {
        boolean sameAs(Copy other) {
            return Arrays.equals(hash, other.hash);
        }
    }

    private void checkObject(long oid, int copies) {
        List<Copy> found = new ArrayList<>();
        for (SdNode n : s.members().ring().replicas(oid, copies)) {
            found.add(hashOf(n, oid));
        }
        Copy majority = majority(found);
        if (majority == null) {
            if (found.stream().noneMatch(Copy::found)) {
                s.err("no node has %x", oid);
            } else {
                s.err("no majority of %x", oid);
            }
            return;
        }
        for (Copy c : found) {
            if (c == majority || (c.found() && c.sameAs(majority))) {
                continue;
            }
            repair(majority.node(), c.node(), oid);
            s.out().print(String.format(c.found() ? "fixed replica %x\n" : "fixed missing %x\n", oid));
        }
    }

    private Copy hashOf(SdNode n, long oid) {
        long tgtEpoch = Integer.toUnsignedLong(s.members().epoch()) << 32;
        Response r = s.wire.exec(n.nid(), Session.request(Opcode.GET_HASH, 0, 0, oid, 0, tgtEpoch, 0), null);
        if (r == null) {
            throw s.exit(ExitCode.SYSFAIL);
        }
        if (r.ok()) {
            return new Copy(n, true, r.header().digest());
        }
        if (r.result() == ResultCode.NO_OBJ) {
            return new Copy(n, false, new byte[20]);
        }
        s.err("failed to read %x from %s, %s", oid, Text.address(n.nid()), ResultCode.describe(r.result()));
        throw s.exit(ExitCode.FAILURE);
    }

    /** Boyer and Moore's majority vote over the copies found ({@code vote_majority_object}); null if none. */
    private static Copy majority(List<Copy> copies) {
        int count = 0;
        int live = 0;
        Copy majority = null;
        for (Copy c : copies) {
            if (!c.found()) {
                continue;
            }
            live++;
            if (count == 0) {
                majority = c;
            }
            count += majority.sameAs(c) ? 1 : -1;
        }
        if (count > 0 && count <= live / 2) {
            count = 0;
            for (Copy c : copies) {
                if (c.found() && majority.sameAs(c)) {
                    count++;
                }
            }
        }
        return majority != null && count > live / 2 ? majority : null;
    }

    /** REPAIR_REPLICA: {@code to} fetches the object from {@code from}. */
    private void repair(SdNode from, SdNode to, long oid) {
        ByteBuffer addr = ByteBuffer.wrap(from.nid().addr()).order(ByteOrder.LITTLE_ENDIAN);
        RequestHeader h = Session.request(Opcode.REPAIR_REPLICA, 0, 0, oid, addr.getLong(0), addr.getLong(8),
                from.nid().port()).withEpoch(s.members().epoch());
        if (!s.lightRequest(to.nid(), h)) {
            s.err("failed to repair object %016x from %s to %s", oid, Text.address(from.nid()),
                    Text.address(to.nid()));
        }
    }

    /** {@code do_vdi_check_exist}: each node is asked which of the copies it should hold it lacks. */
    private int exist(InodeImage inode) {
        Inode.Header h = inode.header();
        int copies = Math.min(h.nrCopies(), s.members().zones());
        Map<NodeId, List<Long>> expected = new LinkedHashMap<>();
        s.members().nodes().forEach(n -> expected.put(n.nid(), new ArrayList<>()));
        expect(expected, Oid.vidToVdiOid(h.vdiId()), copies);
        long max = h.dataObjectCount();
        for (long idx = 0; idx < max; idx++) {
            int vid = vdis.vidAt(inode, idx);
            if (vid != 0) {
                expect(expected, Oid.vidToDataOid(vid, idx), copies);
            }
        }
        int missing = 0;
        for (Map.Entry<NodeId, List<Long>> e : expected.entrySet()) {
            ByteBuffer oids = ByteBuffer.allocate(8 * e.getValue().size()).order(ByteOrder.LITTLE_ENDIAN);
            e.getValue().forEach(oids::putLong);
            RequestHeader req = Session.request(Opcode.OIDS_EXIST, Flags.WRITE | Flags.PIGGYBACK, oids.capacity(), 0,
                    0, 0, 0);
            Response r = s.wire.exec(e.getKey(), req, oids.array());
            if (r == null) {
                s.err("PANIC: dog_exec_req() failure.");
                throw s.exit(ExitCode.SYSFAIL);
            }
            ByteBuffer back = Session.data(r).order(ByteOrder.LITTLE_ENDIAN);
            int n = r.header().dataLength() / 8;
            missing += n;
            for (int i = 0; i < n; i++) {
                s.out().print(String.format("[%s] oid %016x is missing.\n", Text.address(e.getKey()),
                        back.getLong(8 * i)));
            }
        }
        if (missing == 0) {
            s.out().print(h.name() + " is fine, no object is missing.\n");
            return ExitCode.SUCCESS;
        }
        s.out().print(String.format("%s lost %d object(s).\n", h.name(), missing));
        return ExitCode.FAILURE;
    }

    private void expect(Map<NodeId, List<Long>> expected, long oid, int copies) {
        for (SdNode n : s.members().ring().replicas(oid, copies)) {
            expected.get(n.nid()).add(oid);
        }
    }

}
