package org.sheepdogj.cli;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.sheepdogj.protocol.ClusterFlags;
import org.sheepdogj.protocol.ClusterInfo;
import org.sheepdogj.protocol.EpochLog;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Limits;
import org.sheepdogj.protocol.Names;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;

/** {@code dog cluster ...} ({@code dog/cluster.c}): format, state, epochs, recovery and redundancy. */
final class ClusterCommands {
    static final List<OptionSpec> OPTIONS = List.of(
            new OptionSpec('b', "store", true, "specify backend store"),
            new OptionSpec('c', "copies", true, "specify the default data redundancy (number of copies)"),
            new OptionSpec('f', "force", false, "do not prompt for confirmation"),
            new OptionSpec('F', "avoid-diskfull", false, "skip recovery if recovery process can cause disk full"),
            new OptionSpec('l', "lock", false, "Lock vdi to exclude multiple users"),
            new OptionSpec('m', "multithread", false, "use multi-thread for 'cluster snapshot save'"),
            new OptionSpec('R', "recyclevid", false, "enable recycling of VID"),
            new OptionSpec('t', "strict", false,
                    "do not serve write request if number of nodes is not sufficient"),
            new OptionSpec('z', "block_size_shift", true, "specify the shift num of default data object size"),
            new OptionSpec('V', "fixedvnodes", false, "disable automatic vnodes calculation"),
            new OptionSpec('d', "diff", false,
                    "just output the changes between the two adjacent epochesfor cluster info"));
    private static final String DEFAULT_STORE = "plain";
    private static final String FORMAT_CAUTION = "    __\n"
            + "   ()'`;\n"
            + "   /\\|`\n"
            + "  /  |   Caution! The cluster is not empty.\n"
            + "(/_)_|_  Are you sure you want to continue? [yes/no]: ";
    private static final String RECOVER_CAUTION = "Caution! Please try starting all the cluster nodes normally before\n"
            + "running this command.\n\n"
            + "The cluster may need to be force recovered if:\n"
            + "  - the master node fails to start because of epoch mismatch; or\n"
            + "  - some nodes fail to start after a cluster shutdown.\n\n"
            + "Are you sure you want to continue? [yes/no]: ";
    private static final String ALTER_COPY_CAUTION = "    __\n"
            + "   ()'`;\n"
            + "   /\\|`  Caution! Changing cluster's redundancy level will affect\n"
            + "  /  |   all the VDIs to be created later.\n"
            + "(/_)_|_  Are you sure you want to continue? [yes/no]: ";

    private final Session s;
    private int copies;
    private int copyPolicy;
    private int blockSizeShift;
    private boolean force;
    private boolean strict;
    private boolean diff;
    private String store = "";
    private boolean fixedVnodes;
    private boolean useLock;
    private boolean recycleVid;
    private boolean avoidDiskfull;

    ClusterCommands(Session s) {
        this.s = s;
    }

    Command command() {
        int nl = Subcommand.NEED_NODELIST;
        int arg = Subcommand.NEED_ARG;
        Subcommand.Action farm = () -> Unsupported.report(s, "cluster snapshot");
        List<Subcommand> snapshotSubs = List.of(
                new Subcommand("save", null, "h", "save snapshot to localpath", null, arg | nl, farm, null),
                new Subcommand("list", null, "h", "list snapshot of localpath", null, arg, farm, null),
                new Subcommand("load", null, "h", "load snapshot from localpath", null, arg | nl, farm, null),
                new Subcommand("show", null, "h", "show vdi list from snapshot", null, arg | nl, farm, null));
        List<Subcommand> recoverSubs = List.of(
                new Subcommand("force", null, null, "force recover cluster immediately", null, 0, this::forceRecover,
                        null),
                new Subcommand("enable", null, null, "enable automatic recovery and run once recover if necessary",
                        null, 0, () -> recovery(Opcode.ENABLE_RECOVER, "enable"), null),
                new Subcommand("disable", null, null, "disable automatic recovery", null, 0,
                        () -> recovery(Opcode.DISABLE_RECOVER, "disable"), null));
        VdiCheck check = new VdiCheck(s, new Vdis(s));
        List<Subcommand> table = List.of(
                sub("info", null, "aprhvTd", "show cluster information", null, nl, this::info),
                sub("format", null, "bcltaphzTVRfF", "create a Sheepdog store", null, nl, this::format),
                sub("shutdown", null, "aphT", "stop Sheepdog", null, 0, this::shutdown),
                sub("snapshot", "<tag|idx> <path> [vdi1] [vdi2] ...", "aphTm", "snapshot/restore the cluster",
                        snapshotSubs, arg, () -> s.usage.dispatch(snapshotSubs)),
                sub("recover", null, "afphT", "See 'dog cluster recover' for more information", recoverSubs, arg,
                        () -> s.usage.dispatch(recoverSubs)),
                sub("reweight", null, "aphT", "reweight the cluster", null, 0, this::reweight),
                sub("check", null, "aphT", "check and repair cluster", null, nl, check::cluster),
                sub("alter-copy", null, "aphTcf", "set the cluster's redundancy level", null, nl, this::alterCopy));
        return new Command("cluster", table, this::option);
    }

    private static Subcommand sub(String name, String arg, String opts, String desc, List<Subcommand> subs,
                                  int flags, Subcommand.Action action) {
        return new Subcommand(name, arg, opts, desc, subs, flags, action, OPTIONS);
    }

    /** {@code cluster_parser}; like dog's, {@code -m} also turns {@code -t} on. */
    private void option(char letter, String value) {
        switch (letter) {
            case 'b' -> store = value.length() >= ClusterInfo.STORE_LEN
                    ? value.substring(0, ClusterInfo.STORE_LEN - 1) : value;
            case 'c' -> {
                int[] c = CNumbers.copies(value);
                copies = c[0];
                copyPolicy = c[1];
                if (copies == 0) {
                    s.err(CNumbers.copiesHelp(value));
                    throw s.exit(ExitCode.FAILURE);
                }
            }
            case 'f' -> force = true;
            case 'l' -> useLock = true;
            case 'm', 't' -> strict = true;
            case 'z' -> {
                long shift = Integer.toUnsignedLong(CNumbers.atoi(value));
                if (shift > Limits.MAX_BLOCK_SIZE_SHIFT) {
                    s.err("Object Size is limited to 2^31. Please set shift bit lower than 31");
                    throw s.exit(ExitCode.FAILURE);
                } else if (shift < Limits.MIN_BLOCK_SIZE_SHIFT) {
                    s.err("Object Size is larger than 2^20. Please set shift bit larger than 20");
                    throw s.exit(ExitCode.FAILURE);
                }
                blockSizeShift = (int) shift;
            }
            case 'V' -> fixedVnodes = true;
            case 'R' -> recycleVid = true;
            case 'd' -> diff = true;
            case 'F' -> avoidDiskfull = true;
            default -> {
            }
        }
    }

    private int info() {
        int slots = s.members().nodes().size();
        Response r;
        while (true) {
            int length = s.members().epoch() * EpochLog.recordSize(slots);
            r = s.exec(Session.request(Opcode.STAT_CLUSTER, 0, length, 0, 0, 0, slots & 0xffffffffL), null);
            if (r == null) {
                return ExitCode.SYSFAIL;
            }
            if (r.result() != ResultCode.BUFFER_SMALL) {
                break;
            }
            slots *= 2;
        }
        int recordSize = EpochLog.recordSize(slots);
        int records = r.header().dataLength() / recordSize;
        EpochLog first = records > 0 ? EpochLog.decode(Session.data(r)) : null;
        PrintStream out = s.out();
        if (!s.raw) {
            out.print("Cluster status: ");
        }
        String status = ResultCode.describe(r.result());
        if (r.ok()) {
            out.print("running, auto-recovery " + (first != null && first.disableRecovery() ? "disabled" : "enabled")
                    + "\n");
        } else {
            out.print(status + "\n");
        }
        int flags = first == null ? 0 : first.flags();
        if (s.verbose) {
            verbose(r.ok() && first != null ? first : null, status, flags);
        } else {
            out.print("\n");
        }
        if (!s.raw && r.header().dataLength() > 0 && first != null) {
            out.print("Cluster created at " + Text.ctime(first.ctime() >>> 32, s.term.zone()) + "\n");
            out.print("Epoch Time           Version [Host:Port:V-Nodes,,,]\n");
        }
        for (int i = 0; i < records; i++) {
            EpochLog log = EpochLog.decode(Session.data(r).position(i * recordSize));
            String time = s.raw ? Long.toUnsignedString(log.time()) : Text.seconds(log.time(), s.term.zone());
            StringBuilder b = new StringBuilder(String.format(s.raw ? "%s %d" : "%s %6d", time, log.epoch()));
            b.append(" [");
            if (!diff) {
                b.append(joined(log.nodes()));
            } else if (i == records - 1) {
                b.append("formated");
            } else {
                List<SdNode> older = EpochLog.decode(Session.data(r).position((i + 1) * recordSize)).nodes();
                b.append(missing(log.nodes(), older, '+')).append(missing(older, log.nodes(), '-'));
            }
            out.print(b.append("]\n"));
        }
        return ExitCode.SUCCESS;
    }

    private void verbose(EpochLog first, String status, int flags) {
        PrintStream out = s.out();
        if (!s.raw) {
            out.print("Cluster store: ");
        }
        if (first != null) {
            out.print(first.driverName() + " with " + VdiListing.redundancy(first.nrCopies(), first.copyPolicy())
                    + " redundancy policy\n");
            if (!s.raw) {
                out.print("Cluster vnodes strategy: ");
            }
            out.print((flags & ClusterFlags.AUTO_VNODES) != 0 ? "auto\n" : "fixed\n");
        } else {
            out.print(status + "\n");
        }
        if (!s.raw) {
            out.print("Cluster vnode mode: ");
        }
        out.print((flags & ClusterFlags.DISKMODE) != 0 ? "disk\n" : "node\n");
    }

    /** {@code print_nodes}: {@code host:port:vnodes}, comma separated. */
    private static String joined(List<SdNode> nodes) {
        StringBuilder b = new StringBuilder();
        for (SdNode n : nodes) {
            b.append(b.length() == 0 ? "" : ", ").append(Text.address(n.nid())).append(':')
                    .append(n.nrVnodes());
        }
        return b.toString();
    }

    /** {@code do_print_nodes_diff}: the nodes of {@code a} that {@code b} lacks, marked with {@code act}. */
    private static String missing(List<SdNode> a, List<SdNode> b, char act) {
        StringBuilder out = new StringBuilder();
        for (SdNode n : a) {
            if (b.stream().noneMatch(x -> x.nid().equals(n.nid()))) {
                out.append(out.length() == 0 ? "" : ", ").append(act)
                        .append(Text.address(n.nid()));
            }
        }
        return out.toString();
    }

    private int format() {
        for (SdNode n : s.members().nodes()) {
            Response r = s.wire.exec(n.nid(), Session.request(Opcode.CLUSTER_INFO, 0, ClusterInfo.SIZE, 0, 0, 0, 0),
                    null);
            if (r == null) {
                s.err("Fail to execute request");
                return ExitCode.FAILURE;
            }
            if (!r.ok()) {
                s.err("%s", ResultCode.describe(r.result()));
                return ExitCode.FAILURE;
            }
            int flags = NodeCommands.padded(r, ClusterInfo.HEADER_SIZE).getShort(16) & 0xffff;
            boolean auto = (flags & ClusterFlags.AUTO_VNODES) != 0;
            if (n.nrVnodes() != 0 && auto && fixedVnodes) {
                s.err("Can not apply the option of '-V', because there are vnode strategy of sheep is auto in the"
                        + " cluster");
                return ExitCode.FAILURE;
            } else if (n.nrVnodes() != 0 && !auto && !fixedVnodes) {
                s.err("Need to specify the option of '-V', because there are vnode strategy of sheep is fixed in the"
                        + " cluster");
                return ExitCode.FAILURE;
            }
        }
        int zones = s.members().zones();
        if (copies > zones) {
            s.confirm(String.format("Number of copies (%d) is larger than number of zones (%d).\n"
                    + "Are you sure you want to continue? [yes/no]: ", copies, zones));
        }
        Response vdis = s.exec(Session.request(Opcode.READ_VDIS, 0, Limits.VDI_BITMAP_SIZE, 0, 0, 0, 0), null);
        if (vdis == null) {
            return ExitCode.SYSFAIL;
        }
        if (!vdis.ok()) {
            s.err("%s", ResultCode.describe(vdis.result()));
            return ExitCode.FAILURE;
        }
        if (anyBit(Session.data(vdis)) && !force) {
            s.confirm(FORMAT_CAUTION);
        }
        String driver = store.isEmpty() ? DEFAULT_STORE : store;
        byte[] name = (driver + "\0").getBytes(StandardCharsets.ISO_8859_1);
        Instant now = Instant.now();
        long ctime = (now.getEpochSecond() << 32) | ((now.getNano() / 1000) * 1000L);
        RequestHeader h = RequestHeader.cluster(Opcode.MAKE_FS, Flags.WRITE, name.length, ctime, copies, copyPolicy,
                formatFlags(), 0, blockSizeShift);
        s.out().print("using backend " + driver + " store\n");
        Response r = s.exec(h, name);
        if (r == null) {
            return ExitCode.SYSFAIL;
        }
        if (!r.ok()) {
            s.err("Format failed: %s", ResultCode.describe(r.result()));
            return r.result() == ResultCode.NO_STORE ? listStores() : ExitCode.SYSFAIL;
        }
        return ExitCode.SUCCESS;
    }

    private int formatFlags() {
        int flags = 0;
        flags |= strict ? ClusterFlags.STRICT : 0;
        flags |= useLock ? ClusterFlags.USE_LOCK : 0;
        flags |= recycleVid ? ClusterFlags.RECYCLE_VID : 0;
        flags |= fixedVnodes ? 0 : ClusterFlags.AUTO_VNODES;
        flags |= avoidDiskfull ? ClusterFlags.AVOID_DISKFULL : 0;
        return flags;
    }

    private static boolean anyBit(ByteBuffer bitmap) {
        while (bitmap.hasRemaining()) {
            if (bitmap.get() != 0) {
                return true;
            }
        }
        return false;
    }

    /** {@code list_store}: after NO_STORE, the stores the node knows; dog then fails anyway. */
    private int listStores() {
        Response r = s.exec(Session.request(Opcode.GET_STORE_LIST, 0, 512, 0, 0, 0, 0), null);
        if (r == null) {
            return ExitCode.SYSFAIL;
        }
        if (!r.ok()) {
            s.err("Restore failed: %s", ResultCode.describe(r.result()));
            return ExitCode.FAILURE;
        }
        s.out().print("Available stores:\n");
        s.out().print("---------------------------------------\n");
        s.out().print(Names.read(Session.data(r), 0, r.payload().size()) + "\n");
        return ExitCode.SYSFAIL;
    }

    private int shutdown() {
        if (!s.lightRequest(s.target, Session.request(Opcode.SHUTDOWN, 0, 0, 0, 0, 0, 0))) {
            s.err("failed to execute request");
            return ExitCode.FAILURE;
        }
        return ExitCode.SUCCESS;
    }

    private int forceRecover() {
        if (!force) {
            s.confirm(RECOVER_CAUTION);
        }
        RequestHeader h = Session.request(Opcode.FORCE_RECOVER, 0, ClusterInfo.MAX_NODES * SdNode.SIZE, 0, 0, 0, 0);
        Response r = s.exec(h, null);
        if (r == null) {
            return ExitCode.SYSFAIL;
        }
        if (!r.ok()) {
            s.err("failed to execute request, %s", ResultCode.describe(r.result()));
            return ExitCode.FAILURE;
        }
        return ExitCode.SUCCESS;
    }

    private int recovery(int opcode, String state) {
        if (!s.lightRequest(s.target, Session.request(opcode, 0, 0, 0, 0, 0, 0))) {
            return ExitCode.FAILURE;
        }
        s.out().print("Cluster recovery: " + state + "\n");
        return ExitCode.SUCCESS;
    }

    private int reweight() {
        return s.lightRequest(s.target, Session.request(Opcode.REWEIGHT, 0, 0, 0, 0, 0, 0)) ? ExitCode.SUCCESS
                : ExitCode.FAILURE;
    }

    private int alterCopy() {
        if (copyPolicy != 0) {
            s.err("Changing redundancy level of erasure coded vdi is not supported yet.");
            return ExitCode.USAGE;
        }
        if (copies == 0) {
            copies = Limits.DEFAULT_COPIES;
            s.out().print("The cluster's redundancy level is not specified, use " + Limits.DEFAULT_COPIES
                    + " as default.\n");
        }
        int nodes = s.members().nodes().size();
        if (!force && copies > nodes) {
            s.confirm(String.format("Number of copies (%d) is larger than number of nodes (%d).\n"
                    + "Are you sure you want to continue? [yes/no]: ", copies, nodes));
        }
        Response r = s.exec(Session.request(Opcode.STAT_CLUSTER, 0, EpochLog.HEADER_SIZE, 0, 0, 0, 0), null);
        if (r == null) {
            return ExitCode.FAILURE;
        }
        if (!r.ok()) {
            s.err("Response's result: %s", ResultCode.describe(r.result()));
            return ExitCode.FAILURE;
        }
        EpochLog log = EpochLog.decode(NodeCommands.padded(r, EpochLog.HEADER_SIZE));
        if (log.copyPolicy() != 0) {
            s.err("The cluster's copy policy is erasure code, changing it is not supported yet.");
            return ExitCode.FAILURE;
        }
        if (log.nrCopies() == copies) {
            s.err("The cluster's redundancy level is already set to %d, nothing changed.", copies);
            return ExitCode.FAILURE;
        }
        if (!force) {
            s.confirm(ALTER_COPY_CAUTION);
        }
        RequestHeader h = RequestHeader.cluster(Opcode.ALTER_CLUSTER_COPY, 0, 0, 0, copies, copyPolicy, 0, 0, 0);
        if (s.lightRequest(s.target, h)) {
            s.err("The cluster's redundancy level is set to %d, the old one was %d.", copies, log.nrCopies());
            return ExitCode.SUCCESS;
        }
        s.err("Changing the cluster's redundancy level failure.");
        return ExitCode.FAILURE;
    }
}
