package org.sheepdogj.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.sheepdogj.protocol.ClusterInfo;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.MdInfo;
import org.sheepdogj.protocol.Names;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;
import org.sheepdogj.protocol.SheepStat;

/** {@code dog node ...} ({@code dog/node.c}): the nodes, their space, recovery, disks, counters and log level. */
final class NodeCommands {
    static final List<OptionSpec> OPTIONS = List.of(
            new OptionSpec('A', "all", false, "show md information of all the nodes"),
            new OptionSpec('P', "progress", false, "show progress of recovery in the node"),
            new OptionSpec('w', "watch", false, "watch the stat every second"),
            new OptionSpec('l', "local", false, "issue request to local node"),
            new OptionSpec('f', "force", false, "ignore the confirmation"));
    private static final List<String> LOG_LEVELS = List.of("emerg", "alert", "crit", "err", "warning", "notice",
            "info", "debug");
    private static final String PLUG_CAUTION = "    __\n"
            + "   ()'`;\n"
            + "   /\\|`\n"
            + "  /  |   Caution! The directories to be plugged will be purged.\n"
            + "(/_)_|_  Are you sure you want to continue? [yes/no]: ";
    private static final String UNPLUG_CAUTION = "    __\n"
            + "   ()'`;\n"
            + "   /\\|`\n"
            + "  /  |   Caution! Recovery will be triggered after unplugging.\n"
            + "(/_)_|_  Are you sure you want to continue? [yes/no]: ";
    /** dog exits with -1 from several node commands: 255 to the shell. */
    private static final int MINUS_ONE = -1;

    private final Session s;
    private final NodeRecovery recovery;
    private boolean allNodes;
    private boolean watch;
    private boolean local;
    private boolean force;

    NodeCommands(Session s) {
        this.s = s;
        this.recovery = new NodeRecovery(s);
    }

    Command command() {
        int nl = Subcommand.NEED_NODELIST;
        int arg = Subcommand.NEED_ARG;
        List<Subcommand> recoverySubs = List.of(
                new Subcommand("info", null, "aphPrT", "show recovery information of nodes (default)", null, nl,
                        recovery::info, OPTIONS),
                new Subcommand("set-throttle", "<max> <interval>", null, "set new throttling", null, arg | nl,
                        recovery::setThrottle, OPTIONS),
                new Subcommand("get-throttle", null, null, "get current throttling", null, nl, recovery::getThrottle,
                        OPTIONS));
        List<Subcommand> mdSubs = List.of(
                new Subcommand("info", null, null, "show multi-disk information", null, nl, this::mdInfo, null),
                new Subcommand("plug", null, null, "plug more disk(s) into node", null, arg, () -> plug(true), null),
                new Subcommand("unplug", null, null, "unplug disk(s) from node", null, arg, () -> plug(false), null));
        List<Subcommand> levelSubs = List.of(
                new Subcommand("set", "<log level>", null, "set new loglevel", null, arg, this::setLogLevel, null),
                new Subcommand("get", null, null, "get current loglevel", null, 0, this::getLogLevel, null),
                new Subcommand("list", null, null, "list available loglevels", null, 0, this::listLogLevels, null));
        List<Subcommand> logSubs = List.of(new Subcommand("level", "<subcommand>", null, "manipulate loglevel",
                levelSubs, arg, () -> s.usage.dispatch(levelSubs), null));
        List<Subcommand> vnodesSubs = List.of(new Subcommand("set", "<num of vnodes>", null, "set new vnodes", null,
                arg, this::setVnodes, null));
        List<Subcommand> table = List.of(
                new Subcommand("kill", "<node id>", "aprhlT", "kill node", null, nl, this::kill, OPTIONS),
                new Subcommand("list", null, "aprhT", "list nodes", null, nl, this::list, null),
                new Subcommand("info", null, "aprhT", "show information about each node", null, nl, this::info, null),
                new Subcommand("recovery", "<max> <interval>", "aphPrT",
                        "show recovery information or set/get recovery speed throttling of nodes", recoverySubs, 0,
                        () -> recovery.run(recoverySubs), OPTIONS),
                new Subcommand("md", "[disks]", "aprAfhT", "See 'dog node md' for more information", mdSubs, arg,
                        () -> s.usage.dispatch(mdSubs), OPTIONS),
                new Subcommand("stat", null, "aprwhT", "show stat information about the node", null, 0, this::stat,
                        OPTIONS),
                new Subcommand("log", null, "aphT", "show or set log level of the node", logSubs, arg,
                        () -> s.usage.dispatch(logSubs), null),
                new Subcommand("vnodes", "<num of vnodes>", "aph", "set new vnodes", vnodesSubs, arg,
                        () -> s.usage.dispatch(vnodesSubs), null),
                new Subcommand("format", "<directory of sheep> <a name of store format>", "aphT",
                        "initialize store format of the node", null, arg, this::format, null));
        return new Command("node", table, this::option);
    }

    /** {@code node_parser}. */
    private void option(char letter, String value) {
        switch (letter) {
            case 'A' -> allNodes = true;
            case 'P' -> recovery.showProgress();
            case 'w' -> watch = true;
            case 'l' -> local = true;
            case 'f' -> force = true;
            default -> {
            }
        }
    }

    private int list() {
        PrintStream out = s.out();
        if (!s.raw) {
            out.print("  Id   Host:Port         V-Nodes       Zone\n");
        }
        int i = 0;
        for (SdNode n : s.members().nodes()) {
            String host = Text.address(n.nid());
            String zone = Integer.toUnsignedString(n.zone());
            out.print(s.raw ? String.format("%d %s %d %s\n", i++, host, n.nrVnodes(), zone)
                    : String.format("%4d   %-20s\t%2d%11s\n", i++, host, n.nrVnodes(), zone));
        }
        return ExitCode.SUCCESS;
    }

    private int info() {
        PrintStream out = s.out();
        if (!s.raw) {
            out.print("Id\tSize\tUsed\tAvail\tUse%\n");
        }
        long totalSize = 0;
        long totalAvail = 0;
        int shown = 0;
        for (SdNode n : s.members().nodes()) {
            Response r = s.wire.exec(n.nid(), Session.request(Opcode.STAT_SHEEP, 0, 0, 0, 0, 0, 0), null);
            if (r != null && !r.ok()) {
                s.err("Response's result: %s", ResultCode.describe(r.result()));
            }
            long size = r == null ? 0 : r.header().storeSize();
            long free = r == null ? 0 : r.header().storeFree();
            if (r != null && r.ok()) {
                int ratio = size == 0 ? 0 : cInt(Text.unsigned(size - free) / Text.unsigned(size) * 100);
                out.print(String.format(s.raw ? "%d %s %s %s %d%%\n" : "%2d\t%s\t%s\t%s\t%3d%%\n", shown++,
                        Text.size(size, s.raw), Text.size(size - free, s.raw), Text.size(free, s.raw), ratio));
            }
            totalSize += size;
            totalAvail += free;
        }
        if (shown == 0) {
            s.err("Cannot get information from any nodes");
            return ExitCode.SYSFAIL;
        }
        long[] images = new long[1];
        if (new Vdis(s).walk((vid, name, tag, snapId, inode) -> {
            if (!inode.header().isSnapshot()) {
                images[0] += inode.header().vdiSize();
            }
        }, Inode.HEADER_SIZE, true) < 0) {
            return ExitCode.SYSFAIL;
        }
        int ratio = cInt(Text.unsigned(totalSize - totalAvail) / Text.unsigned(totalSize) * 100);
        out.print(String.format(s.raw ? "Total %s %s %s %d%% %s\n"
                        : "Total\t%s\t%s\t%s\t%3d%%\n\nTotal virtual image size\t%s\n", Text.size(totalSize, s.raw),
                Text.size(totalSize - totalAvail, s.raw), Text.size(totalAvail, s.raw), ratio,
                Text.size(images[0], s.raw)));
        return ExitCode.SUCCESS;
    }

    /** A double cast to {@code int} as x86-64 does it: out of range (NaN included) gives INT_MIN. */
    static int cInt(double d) {
        return Double.isNaN(d) || d >= 0x1p31 || d <= -0x1p31 - 1 ? Integer.MIN_VALUE : (int) d;
    }

    private int kill() {
        NodeId target = local ? s.target : null;
        if (s.optind < s.argc()) {
            if (target != null) {
                s.err("don't use -l option and specify node id at the same time");
                throw s.exit(ExitCode.USAGE);
            }
            String p = s.nextArg();
            if (!Text.isNumeric(p)) {
                s.err("Invalid node id '%s', please specify a numeric value", p);
                throw s.exit(ExitCode.USAGE);
            }
            int id = (int) CNumbers.strtol(p, 10, false).value();
            List<SdNode> nodes = s.members().nodes();
            if (id < 0 || id >= nodes.size()) {
                s.err("Invalid node id '%d'", id);
                throw s.exit(ExitCode.USAGE);
            }
            target = nodes.get(id).nid();
        }
        if (target == null) {
            s.err("please specify -l option or node id");
            throw s.exit(ExitCode.USAGE);
        }
        if (!s.lightRequest(target, Session.request(Opcode.KILL_NODE, 0, 0, 0, 0, 0, 0))) {
            s.err("Failed to execute request");
            throw s.exit(ExitCode.FAILURE);
        }
        return ExitCode.SUCCESS;
    }

    private int stat() {
        SheepStat last = null;
        do {
            Response r = s.exec(Session.request(Opcode.STAT, 0, SheepStat.SIZE, 0, 0, 0, 0), null);
            if (r == null) {
                return ExitCode.SYSFAIL;
            }
            if (!r.ok()) {
                s.err("failed to get stat information: %s", ResultCode.describe(r.result()));
                return ExitCode.FAILURE;
            }
            SheepStat st = SheepStat.decode(padded(r, SheepStat.SIZE));
            if (!watch) {
                printStat(st);
                return ExitCode.SUCCESS;
            }
            printWatched(st, last == null ? st : last);
            last = st;
            s.out().flush();
            pause();
        } while (true);
    }

    private void printStat(SheepStat st) {
        String head = s.raw ? "" : "Request\tActive\tTotal\tWrite\tRead\tRemove\tFlush\tAll WR\tAll RD\nClient\t";
        s.out().print(head + String.format("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u(st.gatewayActive()),
                u(st.gatewayTotal()), u(st.gatewayReads()), u(st.gatewayWrites()), u(st.gatewayRemoves()),
                u(st.gatewayFlushes()), Text.size(st.gatewayRx(), s.raw), Text.size(st.gatewayTx(), s.raw)));
        s.out().print((s.raw ? "" : "Peer\t") + String.format("%s\t%s\t%s\t%s\t%s\t0\t%s\t%s\n",
                u(st.peerActive()), u(st.peerTotal()), u(st.peerReads()), u(st.peerWrites()), u(st.peerRemoves()),
                Text.size(st.peerRx(), s.raw), Text.size(st.peerTx(), s.raw)));
    }

    private void printWatched(SheepStat st, SheepStat last) {
        String head = s.raw ? "" : "Request\tActive\tTotal\tWrite\tRead\tRemove\tFlush\tAll WR\tAll RD\tWRBW\tRDBW"
                + "\tRPS\nClient\t";
        s.out().print(head + String.format("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u(st.gatewayActive()),
                u(st.gatewayTotal()), u(st.gatewayWrites()), u(st.gatewayReads()), u(st.gatewayRemoves()),
                u(st.gatewayFlushes()), Text.size(st.gatewayRx(), s.raw), Text.size(st.gatewayTx(), s.raw),
                Text.size(st.gatewayRx() - last.gatewayRx(), s.raw),
                Text.size(st.gatewayTx() - last.gatewayTx(), s.raw),
                Text.size(st.gatewayTotal() - last.gatewayTotal(), true)));
        s.out().print((s.raw ? "" : "Peer\t") + String.format("%s\t%s\t%s\t%s\t%s\t0\t%s\t%s\t%s\t%s\t%s\n",
                u(st.peerActive()), u(st.peerTotal()), u(st.peerWrites()), u(st.peerReads()), u(st.peerRemoves()),
                Text.size(st.peerRx(), s.raw), Text.size(st.peerTx(), s.raw),
                Text.size(st.peerRx() - last.peerRx(), s.raw), Text.size(st.peerTx() - last.peerTx(), s.raw),
                Text.size(st.peerTotal() - last.peerTotal(), true)));
    }

    private static String u(long v) {
        return Long.toUnsignedString(v);
    }

    /** The answer's payload, zero-filled to {@code size} bytes as dog's buffer would be. */
    static ByteBuffer padded(Response r, int size) {
        byte[] b = new byte[size];
        ByteBuffer got = Session.data(r);
        got.get(b, 0, Math.min(size, got.remaining()));
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw s.exit(ExitCode.FAILURE);
        }
    }

    private int mdInfo() {
        if (!s.raw) {
            s.out().print("Id\tSize\tUsed\tAvail\tUse%\tPath\n");
        }
        if (!allNodes) {
            return mdInfo(s.target);
        }
        int i = 0;
        for (SdNode n : s.members().nodes()) {
            if (!s.raw) {
                s.out().print("Node " + i++ + ":\n");
            }
            if (mdInfo(n.nid()) != ExitCode.SUCCESS) {
                return ExitCode.FAILURE;
            }
        }
        return ExitCode.SUCCESS;
    }

    private int mdInfo(NodeId node) {
        Response r = s.wire.exec(node, Session.request(Opcode.MD_INFO, 0, MdInfo.SIZE, 0, 0, 0, 0), null);
        if (r == null) {
            return ExitCode.SYSFAIL;
        }
        if (!r.ok()) {
            s.err("failed to get multi-disk information: %s", ResultCode.describe(r.result()));
            return ExitCode.FAILURE;
        }
        for (MdInfo.Disk d : MdInfo.decode(padded(r, MdInfo.SIZE)).disks()) {
            long size = d.free() + d.used();
            int ratio = cInt(Text.unsigned(d.used()) / Text.unsigned(size) * 100);
            s.out().print(s.raw
                    ? String.format("%s %d %s %s %s %d%% %s\n", Text.address(node), d.idx(),
                    Text.size(size, true), Text.size(d.used(), true), Text.size(d.free(), true), ratio, d.path())
                    : String.format("%2d\t%s\t%s\t%s\t%3d%%\t%s\n", d.idx(), Text.size(size, false),
                    Text.size(d.used(), false), Text.size(d.free(), false), ratio, d.path()));
        }
        return ExitCode.SUCCESS;
    }

    private int plug(boolean plug) {
        if (!force) {
            s.confirm(plug ? PLUG_CAUTION : UNPLUG_CAUTION);
        }
        byte[] disks = Vdis.field(s.arg(s.optind), s.arg(s.optind).length() + 1);
        RequestHeader h = Session.request(plug ? Opcode.MD_PLUG : Opcode.MD_UNPLUG, Flags.WRITE, disks.length, 0, 0,
                0, 0);
        Response r = s.exec(h, disks);
        if (r == null) {
            return ExitCode.SYSFAIL;
        }
        if (!r.ok()) {
            s.err("Failed to execute request, look for sheep.log for more information");
            return ExitCode.FAILURE;
        }
        return ExitCode.SUCCESS;
    }

    private int setLogLevel() {
        String name = s.arg(s.optind);
        int level = LOG_LEVELS.indexOf(name);
        if (level < 0) {
            s.err("invalid loglevel: %s", name);
            s.err("available loglevels:");
            listLogLevels();
            return MINUS_ONE;
        }
        byte[] value = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(level).array();
        Response r = s.exec(Session.request(Opcode.SET_LOGLEVEL, Flags.WRITE, 4, 0, 0, 0, 0), value);
        if (r == null || !r.ok()) {
            s.err("Failed to execute request");
            return MINUS_ONE;
        }
        return ExitCode.SUCCESS;
    }

    private int getLogLevel() {
        Response r = s.exec(Session.request(Opcode.GET_LOGLEVEL, 0, 4, 0, 0, 0, 0), null);
        if (r == null || !r.ok()) {
            s.err("Failed to execute request");
            return MINUS_ONE;
        }
        int level = padded(r, 4).getInt(0);
        String name = level >= 0 && level < LOG_LEVELS.size() ? LOG_LEVELS.get(level) : "unknown loglevel";
        s.err("%s (%d)", name, level);
        return ExitCode.SUCCESS;
    }

    private int listLogLevels() {
        for (int i = 0; i < LOG_LEVELS.size(); i++) {
            s.err("%s\t(%d)", LOG_LEVELS.get(i), i);
        }
        return ExitCode.SUCCESS;
    }

    private int setVnodes() {
        String text = s.arg(s.optind);
        CNumbers.Parsed p = CNumbers.strtol(text, 10, false);
        boolean valid = !p.none() && p.end() == text.length() && p.value() >= 1 && p.value() <= 0xffff;
        if (!valid) {
            s.err("Invalid number of vnodes '%s': must be an integer between 1 and 65535", text);
            throw s.exit(ExitCode.USAGE);
        }
        byte[] value = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt((int) p.value()).array();
        Response r = s.exec(Session.request(Opcode.SET_VNODES, Flags.WRITE, value.length, 0, 0, 0, 0), value);
        if (r == null || !r.ok()) {
            s.err("Failed to execute request");
            return MINUS_ONE;
        }
        return ExitCode.SUCCESS;
    }

    /** {@code node format}: writes the store format into a (stopped) sheep's directory; local, no request. */
    private int format() {
        String dir = s.nextArg();
        if (s.optind == s.argc()) {
            s.err("specify store format");
            return ExitCode.USAGE;
        }
        String store = s.arg(s.optind);
        if (!store.equals("plain") && !store.equals("tree")) {
            s.err("expected store format: plain, tree");
            return ExitCode.SYSFAIL;
        }
        String config = dir + "/node_config";
        if (Files.exists(Path.of(config))) {
            s.err("config file already exists: %s", config);
            return ExitCode.SYSFAIL;
        }
        try {
            Files.write(Path.of(config), Names.field(store, ClusterInfo.STORE_LEN));
        } catch (IOException e) {
            s.err("failed to create a config file (%s): %s", config, e.getMessage());
            return ExitCode.SYSFAIL;
        }
        return ExitCode.SUCCESS;
    }
}
