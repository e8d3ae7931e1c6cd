package org.sheepdogj.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.VdiStateEntry;

/** {@code dog vdi lock list} and {@code vdi lock unlock}: who holds which VDI, and taking a lock away. */
final class VdiLocks {
    /** {@code DEFAULT_VDI_STATE_COUNT}: the entries dog makes room for. */
    private static final int STATE_COUNT = 512;
    private static final int PARTICIPANTS_AT = 60;
    private static final int PARTICIPANT_STATES_AT = 64;
    private static final int PARTICIPANT_IDS_AT = 188;
    private static final int LOCK_TYPE_NORMAL = 0;
    private static final int LOCK_TYPE_SHARED = 1;

    private final Session s;
    private final VdiOptions o;
    private final Vdis vdis;

    VdiLocks(Session s, VdiOptions o, Vdis vdis) {
        this.s = s;
        this.o = o;
        this.vdis = vdis;
    }

    /** A VDI's state as GET_VDI_COPIES gives it: the decoded entry and its raw bytes (for the participants). */
    private record State(VdiStateEntry entry, ByteBuffer raw) {
        int participants() {
            return raw.getInt(PARTICIPANTS_AT);
        }

        int participantState(int i) {
            return raw.getInt(PARTICIPANT_STATES_AT + 4 * i);
        }

        NodeId participant(int i) {
            return NodeId.decode(raw.duplicate().position(PARTICIPANT_IDS_AT + NodeId.SIZE * i));
        }
    }

    /** {@code get_vdi_state}: null when the node could not be asked. */
    private List<State> states() {
        int length = STATE_COUNT * VdiStateEntry.SIZE;
        Response r = s.exec(Session.request(Opcode.GET_VDI_COPIES, 0, length, 0, 0, 0, 0), null);
        if (r == null) {
            return null;
        }
        ByteBuffer all = Session.data(r).order(ByteOrder.LITTLE_ENDIAN);
        int count = Math.min(r.header().dataLength(), all.remaining()) / VdiStateEntry.SIZE;
        List<State> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ByteBuffer one = all.duplicate().position(i * VdiStateEntry.SIZE).slice().order(ByteOrder.LITTLE_ENDIAN);
            out.add(new State(VdiStateEntry.decode(one), one));
        }
        return out;
    }

    int list() {
        List<State> states = states();
        if (states == null) {
            s.err("Failed to get VDI state");
            return ExitCode.SYSFAIL;
        }
        states.sort(Comparator.comparingLong(st -> Integer.toUnsignedLong(st.entry().vid())));
        s.out().print("  Name         Id  VDI id  Tag            Owner node(s)\n");
        int ret = vdis.walk((vid, name, tag, snapId, inode) -> row(states, vid, name, tag, snapId, inode),
                Inode.SIZE, true);
        return ret != 0 ? ExitCode.SYSFAIL : ExitCode.SUCCESS;
    }

    private void row(List<State> states, int vid, String name, String tag, int snapId, InodeImage inode) {
        State st = states.stream().filter(x -> x.entry().vid() == vid).findFirst().orElse(null);
        if (st == null || st.entry().lockState() == VdiStateEntry.UNLOCKED) {
            return;
        }
        Inode.Header h = inode.header();
        boolean clone = h.snapId() == 1 && h.parentVdiId() != 0;
        char type = h.isSnapshot() ? 's' : clone ? 'c' : ' ';
        StringBuilder b = new StringBuilder(String.format("%c %-8s  %5d  %6x  %-13s ", type, name, snapId, vid, tag));
        if (st.entry().lockState() == VdiStateEntry.LOCKED) {
            b.append(' ').append(owner(st.entry().lockOwner())).append('\n');
            s.out().print(b);
            return;
        }
        for (int j = 0; j < st.participants(); j++) {
            b.append(' ').append(owner(st.participant(j)));
            int state = st.participantState(j);
            b.append(switch (state) {
                case 1 -> "(modified)";
                case 2 -> "(shared)";
                case 3 -> "(invalidated)";
                default -> "(UNKNOWN " + Integer.toUnsignedString(state) + ", BUG!)";
            });
        }
        s.out().print(b.append('\n'));
    }

    private static String owner(NodeId nid) {
        return Text.nodeId(nid.addr(), nid.port());
    }

    int unlock() {
        String name = s.arg(s.optind);
        if (name == null) {
            s.err("VDI name must be specified");
            return ExitCode.USAGE;
        }
        Vdis.Lookup l = vdis.find(name, o.snapshotId, o.snapshotTag);
        String desc = describe(name, o.snapshotId, o.snapshotTag, l.ok() ? l.vid() : 0);
        if (!l.ok()) {
            s.err("Failed to find VDI %s: %s", desc, ResultCode.describe(l.result()));
            return ExitCode.FAILURE;
        }
        List<State> states = states();
        if (states == null) {
            s.err("Failed to get VDI state");
            return ExitCode.SYSFAIL;
        }
        State st = states.stream().filter(x -> x.entry().vid() == l.vid()).findFirst().orElse(null);
        if (st == null) {
            s.err("Failed to find VDI state %s", desc);
            return ExitCode.SYSFAIL;
        }
        int type;
        switch (st.entry().lockState()) {
            case VdiStateEntry.UNLOCKED -> {
                s.err("VDI %s is not locked", desc);
                return ExitCode.FAILURE;
            }
            case VdiStateEntry.LOCKED -> type = LOCK_TYPE_NORMAL;
            case VdiStateEntry.SHARED -> type = LOCK_TYPE_SHARED;
            default -> {
                s.err("VDI %s unknown lock state (%s)", desc, Integer.toUnsignedString(st.entry().lockState()));
                return ExitCode.SYSFAIL;
            }
        }
        RequestHeader h = RequestHeader.vdi(Opcode.RELEASE_VDI, 0, 0, 0, l.vid(), 0, 0, 0, 0, 0, type);
        return s.exec(h, null) == null ? ExitCode.FAILURE : ExitCode.SUCCESS;
    }

    /** {@code describe_vdi}: the name, with the snapshot id or tag and the VDI id when known. */
    private static String describe(String name, int snapId, String tag, int vid) {
        String snap = snapId != 0 ? "snapid=" + Integer.toUnsignedString(snapId) : !tag.isEmpty() ? "tag=" + tag : null;
        if (vid != 0) {
            String id = "vid=" + Integer.toHexString(vid);
            return name + " (" + (snap == null ? id : snap + ", " + id) + ")";
        }
        return snap == null ? name : name + " (" + snap + ")";
    }
}
