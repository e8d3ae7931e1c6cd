package org.sheepdogj.cli;

import java.io.PrintStream;

import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Oid;

/** {@code dog vdi list}, {@code vdi tree} and {@code vdi graph}: every VDI of the cluster, three ways. */
final class VdiListing {
    private static final String HEADER = "  Name        Id    Size    Used  Shared    Creation time   VDI id  Copies"
            + "  Tag   Block Size Shift\n";
    private static final long VDI_SPACE_MASK = (1L << 32) - 1;
    private static final long NOT_DATA = Oid.VDI_BIT | Oid.VMSTATE_BIT | Oid.VDI_ATTR_BIT | Oid.VDI_BTREE_BIT
            | Oid.LEDGER_BIT;

    private final Session s;
    private final VdiOptions o;
    private final Vdis vdis;

    VdiListing(Session s, VdiOptions o, Vdis vdis) {
        this.s = s;
        this.o = o;
        this.vdis = vdis;
    }

    int list() {
        String only = s.arg(s.optind);
        if (!s.raw) {
            s.out().print(HEADER);
        }
        Vdis.Visitor visitor;
        if (only != null) {
            visitor = (vid, name, tag, snapId, inode) -> {
                if (name.equals(only)) {
                    row(vid, name, snapId, inode);
                }
            };
        } else if (o.oid != 0) {
            if ((o.oid & NOT_DATA) != 0) {
                return ExitCode.FAILURE;
            }
            long idx = o.oid & VDI_SPACE_MASK;
            int holder = Oid.toVid(o.oid);
            visitor = (vid, name, tag, snapId, inode) -> {
                if (inode.vid(idx) != 0 && inode.vid(idx) == holder) {
                    row(vid, name, snapId, inode);
                }
            };
        } else {
            visitor = (vid, name, tag, snapId, inode) -> row(vid, name, snapId, inode);
        }
        return vdis.walk(visitor, Inode.SIZE, true) < 0 ? ExitCode.SYSFAIL : ExitCode.SUCCESS;
    }

    private void row(int vid, String name, int snapId, InodeImage inode) {
        Inode.Header h = inode.header();
        long created = h.createTime() >>> 32;
        long[] counts = vdis.objectCounts(inode);
        long objectSize = h.objectSize();
        boolean clone = h.snapId() == 1 && h.parentVdiId() != 0;
        String size = Text.size(h.vdiSize(), s.raw);
        String used = Text.size(counts[0] * objectSize, s.raw);
        String shared = Text.size(counts[1] * objectSize, s.raw);
        String copies = redundancy(h.nrCopies(), h.copyPolicy());
        PrintStream out = s.out();
        if (s.raw) {
            char type = h.isSnapshot() ? 's' : clone ? 'c' : '=';
            out.print(type + " " + Text.escaped(name) + String.format(" %d %s %s %s %d %x %s %s %d\n", snapId, size,
                    used, shared, created, vid, copies, h.tag(), h.blockSizeShift()));
        } else {
            char type = h.isSnapshot() ? 's' : clone ? 'c' : ' ';
            out.print(String.format("%c %-8s %5d %7s %7s %7s %s  %7x %6s %13s %3d\n", type, name, snapId, size, used,
                    shared, Text.minutes(created, s.term.zone()), vid, copies, h.tag(), h.blockSizeShift()));
        }
    }

    /** {@code redundancy_scheme}: the copies, or {@code D:P} for erasure coding. */
    static String redundancy(int copies, int policy) {
        if (policy > 0) {
            int[] dp = CNumbers.dataAndParity(policy);
            return dp[0] + ":" + dp[1];
        }
        return Integer.toString(copies);
    }

    int tree() {
        VdiTree tree = new VdiTree(s);
        int ret = vdis.walk((vid, name, tag, snapId, inode) -> {
            Inode.Header h = inode.header();
            String label = h.isSnapshot() ? "[" + Text.minutes(h.createTime() >>> 32, s.term.zone()) + "]"
                    : "(you are here)";
            tree.add(name, label, vid, h.parentVdiId(), s.highlight && !h.isSnapshot());
        }, Inode.HEADER_SIZE, true);
        if (ret < 0) {
            return ExitCode.SYSFAIL;
        }
        tree.print();
        return ExitCode.SUCCESS;
    }

    int graph() {
        PrintStream out = s.out();
        out.print("digraph G {\n");
        out.print("  node [shape = \"box\", fontname = \"Courier\"];\n\n");
        out.print("  \"0\" [shape = \"ellipse\", label = \"root\"];\n\n");
        int ret = vdis.walk((vid, name, tag, snapId, inode) -> {
            Inode.Header h = inode.header();
            String stamp = Text.seconds(h.createTime() >>> 32, s.term.zone());
            out.print(String.format("  \"%x\" -> \"%x\";\n", h.parentVdiId(), vid));
            out.print(String.format("  \"%x\" [\n    group = \"%s\",\n    label = \"", vid, name));
            out.print(String.format("Name: %10s\\nTag:  %10x\\nSize: %10s\\nDate: %10s\\nTime: %10s", name, snapId,
                    Text.size(h.vdiSize(), s.raw), stamp.substring(0, stamp.indexOf(' ')),
                    stamp.substring(stamp.indexOf(' ') + 1)));
            out.print(h.isSnapshot() ? "\"\n  ];\n\n" : "\",\n    color=\"red\"\n  ];\n\n");
        }, Inode.HEADER_SIZE, true);
        if (ret < 0) {
            return ExitCode.SYSFAIL;
        }
        out.print("}\n");
        return ExitCode.SUCCESS;
    }
}
