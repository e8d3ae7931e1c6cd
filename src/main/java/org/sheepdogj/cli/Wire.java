package org.sheepdogj.cli;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

import org.apache.pekko.util.ByteString;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;

/**
 * dog's requests ({@code dog_exec_req}): one connection per node, kept for the whole run, each request sent as dog
 * sends it (id 0, one at a time) and its answer awaited. A node that cannot be reached is reported as dog reports
 * it, twice (dog tries once to check the node is alive, then once more for the request itself).
 */
final class Wire implements AutoCloseable {
    private final PrintStream err;
    private final Map<NodeId, SheepdogConnection> links = new HashMap<>();

    Wire(PrintStream err) {
        this.err = err;
    }

    /** The answer, or null when the node could not be reached or the connection broke (already reported). */
    Response exec(NodeId node, RequestHeader header, byte[] payload) {
        SheepdogConnection c = link(node);
        if (c == null) {
            return null;
        }
        ByteString data = payload == null ? ByteString.emptyByteString() : ByteString.fromArrayUnsafe(payload);
        try {
            return c.execute(new Request(header, data));
        } catch (IOException e) {
            if (!(e instanceof EOFException)) {
                err.print("failed to read from socket: -1, " + reason(e) + "\n");
            }
            err.print("failed to read a response\n");
            links.remove(node);
            c.close();
            return null;
        }
    }

    private SheepdogConnection link(NodeId node) {
        SheepdogConnection c = links.get(node);
        if (c != null && c.isOpen()) {
            return c;
        }
        String host = Text.address(node.addr());
        try {
            c = new SheepdogConnection(host, node.port(), 0);
        } catch (IOException e) {
            String why = reason(e);
            for (int attempt = 0; attempt < 2; attempt++) {
                err.print("failed to connect to " + host + ":" + node.port() + ": " + why + "\n");
            }
            return null;
        }
        links.put(node, c);
        return c;
    }

    /**
     * The {@code strerror} text C shows for the failure; Java's socket errors carry the same texts on Linux, but
     * for a reset connection.
     */
    private static String reason(IOException e) {
        if (e.getMessage() == null) {
            return "Input/output error";
        }
        return e.getMessage().equals("Connection reset") ? "Connection reset by peer" : e.getMessage();
    }

    @Override
    public void close() {
        links.values().forEach(SheepdogConnection::close);
        links.clear();
    }
}
