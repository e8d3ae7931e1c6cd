package org.sheepdogj.cli;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.RecoveryState;
import org.sheepdogj.protocol.RecoveryThrottling;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;

/** {@code dog node recovery [info|set-throttle|get-throttle]}: which nodes recover, how far, how fast. */
final class NodeRecovery {
    private static final long MAX_EXEC_COUNT = 0xffffffffL;
    private static final int MINUS_ONE = -1;

    private final Session s;
    private boolean progress;

    NodeRecovery(Session s) {
        this.s = s;
    }

    void showProgress() {
        progress = true;
    }

    /** {@code node_recovery}: without a subcommand, the recovery information. */
    int run(List<Subcommand> subs) {
        if (s.argc() == s.optind) {
            s.loadNodeList();
            return info();
        }
        return s.usage.dispatch(subs);
    }

    int info() {
        if (progress) {
            return progress();
        }
        PrintStream out = s.out();
        if (!s.raw) {
            out.print("Nodes In Recovery:\n");
            out.print("  Id   Host:Port         V-Nodes       Zone       Progress\n");
        }
        int i = 0;
        for (SdNode n : s.members().nodes()) {
            Response r = s.wire.exec(n.nid(), Session.request(Opcode.STAT_RECOVERY, 0, RecoveryState.SIZE, 0, 0, 0,
                    0), null);
            if (r == null) {
                return ExitCode.SYSFAIL;
            }
            if (!r.ok()) {
                s.err("%s", ResultCode.describe(r.result()));
                return ExitCode.FAILURE;
            }
            RecoveryState st = RecoveryState.decode(NodeCommands.padded(r, RecoveryState.SIZE));
            if (st.inRecovery()) {
                String host = Text.address(n.nid());
                if (s.raw) {
                    out.print(String.format("%d %s %d %d %s %s\n", i, host, n.nrVnodes(), n.zone(),
                            Long.toUnsignedString(st.finished()), Long.toUnsignedString(st.total())));
                } else {
                    float done = 100 * (float) Text.unsigned(st.finished()) / (float) Text.unsigned(st.total());
                    out.print(String.format("%4d   %-20s%5d%11d%11s%%\n", i, host, n.nrVnodes(), n.zone(),
                            Text.fixed(done, 1)));
                }
            }
            i++;
        }
        return ExitCode.SUCCESS;
    }

    /** {@code get_recovery_state}: null (reported) when it cannot be had. */
    private RecoveryState state() {
        Response r = s.exec(Session.request(Opcode.STAT_RECOVERY, 0, RecoveryState.SIZE, 0, 0, 0, 0), null);
        if (r == null) {
            s.err("Failed to execute request");
            return null;
        }
        if (!r.ok()) {
            s.err("%s", ResultCode.describe(r.result()));
            return null;
        }
        return RecoveryState.decode(NodeCommands.padded(r, RecoveryState.SIZE));
    }

    /** {@code node recovery -P}: the local node's recovery, redrawn every second until it ends. */
    private int progress() {
        RecoveryState st = state();
        if (st == null) {
            return ExitCode.SYSFAIL;
        }
        while (st.inRecovery()) {
            long previousTotal = st.total();
            st = state();
            if (st == null) {
                return ExitCode.SYSFAIL;
            }
            if (!st.inRecovery()) {
                Progress.show(s, previousTotal, previousTotal, true);
                break;
            }
            switch (st.phase()) {
                case RecoveryState.PREPARE_LIST -> s.out().print("\rpreparing a checked object list...");
                case RecoveryState.NOTIFY_COMPLETION -> s.out().print("\rnotifying a completion of recovery...");
                default -> Progress.show(s, st.finished(), st.total(), true);
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCode.SYSFAIL;
            }
        }
        return ExitCode.SUCCESS;
    }

    int setThrottle() {
        String maxText = s.arg(s.optind);
        String intervalText = s.arg(s.optind + 1);
        if (maxText == null || intervalText == null) {
            s.err("Invalid interval max (%s), interval (%s)", Vdis.shown(maxText), Vdis.shown(intervalText));
            throw s.exit(ExitCode.USAGE);
        }
        CNumbers.Parsed max = CNumbers.strtol(maxText, 10, false);
        if (max.none() || max.overflow() || max.end() != maxText.length() || max.value() < 0
                || max.value() > MAX_EXEC_COUNT) {
            s.err("Invalid max (%s)", maxText);
            throw s.exit(ExitCode.USAGE);
        }
        s.optind++;
        CNumbers.Parsed interval = CNumbers.strtol(intervalText, 10, false);
        if (interval.none() || interval.overflow() || interval.end() != intervalText.length()
                || interval.value() < 0) {
            s.err("Invalid interval (%s)", intervalText);
            throw s.exit(ExitCode.USAGE);
        }
        if ((max.value() == 0) != (interval.value() == 0)) {
            s.err("Invalid interval max (%d), interval (%d)", max.value(), interval.value());
            throw s.exit(ExitCode.USAGE);
        }
        byte[] body = new RecoveryThrottling((int) max.value(), interval.value(), false).encode();
        Response r = s.exec(Session.request(Opcode.SET_RECOVERY, Flags.WRITE, body.length, 0, 0, 0, 0), body);
        if (r != null && !r.ok()) {
            s.err("Failed to execute request");
            return MINUS_ONE;
        }
        return ExitCode.SUCCESS;
    }

    int getThrottle() {
        Response r = s.exec(Session.request(Opcode.GET_RECOVERY, 0, RecoveryThrottling.SIZE, 0, 0, 0, 0), null);
        if (r != null && !r.ok()) {
            s.err("Failed to execute request");
            return MINUS_ONE;
        }
        ByteBuffer body = r == null ? ByteBuffer.allocate(RecoveryThrottling.SIZE).order(ByteOrder.LITTLE_ENDIAN)
                : NodeCommands.padded(r, RecoveryThrottling.SIZE);
        RecoveryThrottling t = RecoveryThrottling.decode(body);
        s.err("max (%s), interval (%s)", Integer.toUnsignedString(t.maxExecCount()),
                Long.toUnsignedString(t.intervalMs()));
        return ExitCode.SUCCESS;
    }
}
