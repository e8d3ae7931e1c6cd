package org.sheepdogj.vectors;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.pekko.util.ByteString;
import org.sheepdogj.protocol.FrameParser;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.Response;
import org.tukaani.xz.XZInputStream;

/**
 * The sheepdog conversations in a recorded capture (pcap of Ethernet/IPv4/TCP on loopback): each TCP connection to the
 * server port, its byte streams put back together by sequence number and cut into requests and their responses.
 */
final class Capture {
    /** One request as the original client sent it, when, and what the original sheep answered. */
    record Exchange(Request request, long timeMicros, Response expected) {
    }

    /** A TCP connection: the client's port and its exchanges in order. */
    record Conversation(int clientPort, List<Exchange> exchanges) {
    }

    private record Segment(long timeMicros, long seq, byte[] data) {
    }

    private static final class Stream {
        final TreeMap<Long, Segment> segments = new TreeMap<>();
        long firstSeq = -1;
    }

    private Capture() {
    }

    static List<Conversation> read(String resource, int serverPort) {
        try (InputStream raw = Capture.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalArgumentException("no resource " + resource);
            }
            byte[] pcap = new XZInputStream(raw).readAllBytes();
            return conversations(pcap, serverPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Conversation> conversations(byte[] pcap, int serverPort) {
        ByteBuffer b = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0xa1b2c3d4) {
            throw new IllegalArgumentException("not a little-endian microsecond pcap");
        }
        Map<Integer, Stream> up = new HashMap<>();
        Map<Integer, Stream> down = new HashMap<>();
        List<Integer> order = new ArrayList<>();
        int pos = 24;
        while (pos + 16 <= pcap.length) {
            long ts = (b.getInt(pos) & 0xffffffffL) * 1_000_000L + (b.getInt(pos + 4) & 0xffffffffL);
            int incl = b.getInt(pos + 8);
            int pkt = pos + 16;
            pos = pkt + incl;
            ByteBuffer p = ByteBuffer.wrap(pcap, pkt, incl).slice().order(ByteOrder.BIG_ENDIAN);
            if ((p.getShort(12) & 0xffff) != 0x0800) {
                continue;
            }
            int ip = 14;
            int ihl = (p.get(ip) & 0x0f) * 4;
            int totalLen = p.getShort(ip + 2) & 0xffff;
            if (p.get(ip + 9) != 6) {
                continue;
            }
            int tcp = ip + ihl;
            int src = p.getShort(tcp) & 0xffff;
            int dst = p.getShort(tcp + 2) & 0xffff;
            long seq = p.getInt(tcp + 4) & 0xffffffffL;
            int flags = p.get(tcp + 13) & 0xff;
            int dataOff = ((p.get(tcp + 12) & 0xf0) >> 4) * 4;
            int payloadStart = tcp + dataOff;
            int payloadLen = ip + totalLen - payloadStart;
            boolean toServer = dst == serverPort;
            int client = toServer ? src : dst;
            Map<Integer, Stream> dir = toServer ? up : down;
            Stream s = dir.computeIfAbsent(client, k -> new Stream());
            if (toServer && !order.contains(client)) {
                order.add(client);
            }
            if ((flags & 0x02) != 0) {
                s.firstSeq = seq + 1;
            }
            if (payloadLen > 0) {
                byte[] data = new byte[payloadLen];
                p.get(payloadStart, data);
                s.segments.putIfAbsent(seq, new Segment(ts, seq, data));
            }
        }
        List<Conversation> out = new ArrayList<>();
        for (int client : order) {
            out.add(conversation(client, up.get(client), down.get(client)));
        }
        return out;
    }

    private static Conversation conversation(int client, Stream up, Stream down) {
        List<long[]> marks = new ArrayList<>();
        ByteString upBytes = assemble(up, marks);
        ByteString downBytes = assemble(down, null);
        FrameParser<Request> reqs = FrameParser.requests(Integer.MAX_VALUE);
        reqs.append(upBytes);
        FrameParser<Response> rsps = FrameParser.responses(Integer.MAX_VALUE);
        rsps.append(downBytes);
        Map<Integer, ArrayDeque<Response>> byId = new HashMap<>();
        for (Response r = rsps.poll(); r != null; r = rsps.poll()) {
            byId.computeIfAbsent(r.header().id(), k -> new ArrayDeque<>()).add(r);
        }
        List<Exchange> exchanges = new ArrayList<>();
        long consumed = 0;
        for (Request r = reqs.poll(); r != null; r = reqs.poll()) {
            long start = consumed;
            consumed += 48 + (r.header().carriesPayload() ? r.header().dataLength() : 0);
            ArrayDeque<Response> q = byId.get(r.header().id());
            Response expected = q == null ? null : q.poll();
            exchanges.add(new Exchange(r, timeAt(marks, start), expected));
        }
        return new Conversation(client, exchanges);
    }

    private static ByteString assemble(Stream s, List<long[]> marks) {
        if (s == null) {
            return ByteString.emptyByteString();
        }
        ByteString all = ByteString.emptyByteString();
        long next = s.firstSeq >= 0 ? s.firstSeq : s.segments.isEmpty() ? 0 : s.segments.firstKey();
        for (Segment seg : s.segments.values()) {
            if (seg.seq() + seg.data().length <= next) {
                continue;
            }
            int skip = (int) Math.max(0, next - seg.seq());
            if (marks != null) {
                marks.add(new long[] {all.size(), seg.timeMicros()});
            }
            all = all.concat(ByteString.fromArray(seg.data(), skip, seg.data().length - skip));
            next = seg.seq() + seg.data().length;
        }
        return all.compact();
    }

    private static long timeAt(List<long[]> marks, long offset) {
        long t = 0;
        for (long[] m : marks) {
            if (m[0] > offset) {
                break;
            }
            t = m[1];
        }
        return t;
    }
}
