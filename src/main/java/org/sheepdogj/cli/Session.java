package org.sheepdogj.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.sheepdogj.placement.Ring;
import org.sheepdogj.protocol.ClusterInfo;
import org.sheepdogj.protocol.EpochLog;
import org.sheepdogj.protocol.Limits;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.ProtocolVersion;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;

/**
 * What one dog run shares between its parts (dog's globals): the terminal, the operands after option parsing, the
 * node to talk to, the output switches, the cluster's members as the node list gave them, and the connections.
 */
final class Session {
    private static final byte[] LOCALHOST = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 127, 0, 0, 1};

    final Terminal term;
    final String program;
    final Wire wire;
    /** Set once the command tables exist. */
    Usage usage;
    NodeId target = new NodeId(LOCALHOST, Limits.DEFAULT_PORT, null, 0);
    boolean raw;
    boolean verbose;
    boolean highlight;
    private String[] argv = new String[0];
    int optind;
    private Membership members;

    /** The nodes of the current epoch in node order, their zones, the epoch, and the ring they make. */
    record Membership(List<SdNode> nodes, int zones, int epoch, Ring ring) {
    }

    Session(Terminal term, String program) {
        this.term = term;
        this.program = program;
        this.wire = new Wire(term.err());
    }

    PrintStream out() {
        return term.out();
    }

    /** One line on stderr, as dog's {@code sd_err} and {@code sd_info} write it. */
    void err(String line) {
        term.err().print(line + "\n");
    }

    void err(String format, Object... args) {
        err(String.format(format, args));
    }

    /**
     * {@code confirm}: asks on stdout and reads an answer from stdin; anything but yes ends dog here, successfully.
     */
    void confirm(String message) {
        out().print(message);
        out().flush();
        String answer = readAnswer();
        if (answer == null || !answer.regionMatches(true, 0, "yes", 0, 3)) {
            throw exit(ExitCode.SUCCESS);
        }
    }

    /** Up to seven characters of a line, as {@code fgets(input, 8, stdin)} reads them; null at end of input. */
    private String readAnswer() {
        StringBuilder b = new StringBuilder();
        try {
            while (b.length() < 7) {
                int c = term.in().read();
                if (c < 0) {
                    return b.length() == 0 ? null : b.toString();
                }
                b.append((char) c);
                if (c == '\n') {
                    break;
                }
            }
        } catch (IOException e) {
            return null;
        }
        return b.toString();
    }

    /**
     * What dog's {@code %m} shows after a short read, which sets no error: whatever its last failed call left, which
     * is the terminal check of stdout ({@code ENOTTY}) unless stdout is a terminal.
     */
    String staleErrno() {
        return term.stdoutIsConsole() ? "Success" : "Inappropriate ioctl for device";
    }

    DogExit exit(int status) {
        return new DogExit(status);
    }

    void operands(String[] permuted, int first) {
        argv = permuted;
        optind = first;
    }

    int argc() {
        return argv.length;
    }

    /** {@code argv[i]}; null past the end, as C's {@code argv[argc]} is. */
    String arg(int i) {
        return i >= 0 && i < argv.length ? argv[i] : null;
    }

    /** {@code argv[optind++]}. */
    String nextArg() {
        return arg(optind++);
    }

    String[] argv() {
        return argv;
    }

    /** dog's request to the node it was pointed at. */
    Response exec(RequestHeader h, byte[] payload) {
        return wire.exec(target, h, payload);
    }

    /** {@code send_light_req}: a request without payload; false (reported) unless it succeeded. */
    boolean lightRequest(NodeId node, RequestHeader h) {
        Response r = wire.exec(node, h, null);
        if (r == null) {
            return false;
        }
        if (!r.ok()) {
            err("Response's result: %s", ResultCode.describe(r.result()));
            return false;
        }
        return true;
    }

    /** A request as {@code sd_init_req} starts one, with the header's union given as its four words. */
    static RequestHeader request(int opcode, int flags, int dataLength, long w0, long w1, long w2, long w3) {
        return new RequestHeader(ProtocolVersion.forOpcode(opcode), opcode, flags, 0, 0, dataLength, w0, w1, w2, w3);
    }

    Membership members() {
        return members;
    }

    /**
     * {@code update_node_list}: GET_NODE_LIST, then a one-record STAT_CLUSTER for the epoch. Exits as dog does when
     * the list cannot be had or is empty.
     */
    void loadNodeList() {
        int max = ClusterInfo.MAX_NODES;
        Response r = exec(RequestHeader.plain(Opcode.GET_NODE_LIST, 0, max * SdNode.SIZE), null);
        if (r != null && !r.ok()) {
            err("Failed to update node list: %s", ResultCode.describe(r.result()));
        }
        if (r == null || !r.ok()) {
            err("Failed to get node list");
            throw exit(ExitCode.SYSFAIL);
        }
        int count = r.header().dataLength() / SdNode.SIZE;
        if (count == 0) {
            err("There are no active sheep daemons");
            throw exit(ExitCode.FAILURE);
        }
        List<SdNode> nodes = new ArrayList<>(SdNode.decodeAll(r.payload().asByteBuffer(), count));
        nodes.sort(null);
        Set<Integer> zones = new HashSet<>();
        nodes.forEach(n -> zones.add(n.zone()));
        Response stat = exec(RequestHeader.plain(Opcode.STAT_CLUSTER, 0, EpochLog.HEADER_SIZE), null);
        if (stat == null) {
            err("Failed to get node list");
            throw exit(ExitCode.SYSFAIL);
        }
        members = new Membership(List.copyOf(nodes), zones.size(), stat.header().epoch(), new Ring(nodes));
    }

    /** The payload of an answer, as a buffer to decode. */
    static ByteBuffer data(Response r) {
        return r.payload().asByteBuffer();
    }
}
