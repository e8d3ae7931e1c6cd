package org.sheepdogj.protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * {@code struct node_id} (40 bytes): a 16-byte address (IPv4 as twelve zero bytes and the four address bytes), the
 * port, an optional I/O address and port. Nodes sort by address bytes, then port ({@code node_id_cmp}).
 */
public record NodeId(byte[] addr, int port, byte[] ioAddr, int ioPort) implements Comparable<NodeId> {
    public static final int SIZE = 40;
    /** The part of the id that the ring hashes ({@code addr} and {@code port}). */
    public static final int HASHED_SIZE = 18;

    public NodeId {
        addr = addr.clone();
        ioAddr = ioAddr == null ? new byte[16] : ioAddr.clone();
    }

    public static NodeId of(String host, int port) {
        return new NodeId(addressBytes(host), port, new byte[16], 0);
    }

    /** sheep's {@code str_to_addr}: an IPv4 address goes in the last four bytes. */
    public static byte[] addressBytes(String host) {
        try {
            byte[] raw = InetAddress.getByName(host).getAddress();
            byte[] out = new byte[16];
            System.arraycopy(raw, 0, out, 16 - raw.length, raw.length);
            return out;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + host, e);
        }
    }

    public boolean isIpv4() {
        for (int i = 0; i < 12; i++) {
            if (addr[i] != 0) {
                return false;
            }
        }
        return addr[12] != 0;
    }

    /** The address as dog prints it ({@code addr_to_str} without the port). */
    public String host() {
        try {
            if (isIpv4()) {
                return InetAddress.getByAddress(Arrays.copyOfRange(addr, 12, 16)).getHostAddress();
            }
            return InetAddress.getByAddress(addr).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code HOST:PORT}, as dog shows a node. */
    public String label() {
        return host() + ":" + port;
    }

    /** The default zone: the last four address bytes read little-endian ({@code create_cluster}). */
    public int defaultZone() {
        return ByteBuffer.wrap(addr, 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    public byte[] hashedBytes() {
        ByteBuffer b = ByteBuffer.allocate(HASHED_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(addr).putShort((short) port);
        return b.array();
    }

    public void encode(ByteBuffer out) {
        ByteBuffer b = out.slice().order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, addr).putShort(16, (short) port).put(18, ioAddr).putShort(34, (short) ioPort).putInt(36, 0);
        out.position(out.position() + SIZE);
    }

    public static NodeId decode(ByteBuffer in) {
        ByteBuffer b = in.slice().order(ByteOrder.LITTLE_ENDIAN);
        byte[] a = new byte[16];
        byte[] io = new byte[16];
        b.get(0, a);
        b.get(18, io);
        return new NodeId(a, b.getShort(16) & 0xffff, io, b.getShort(34) & 0xffff);
    }

    @Override
    public int compareTo(NodeId o) {
        int c = Arrays.compareUnsigned(addr, o.addr);
        return c != 0 ? c : Integer.compare(port, o.port);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeId n && Arrays.equals(addr, n.addr) && port == n.port;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(addr) * 31 + port;
    }

    @Override
    public String toString() {
        return label();
    }
}
