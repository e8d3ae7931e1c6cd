package org.sheepdogj.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.sheepdogj.protocol.Inode;

/**
 * The index of a hyper volume ({@code store_policy} 1, {@code lib/sd_inode.c}): where a flat VDI has
 * {@code data_vdi_id[]}, it has a B-tree. Its root sits in the inode in place of the flat index: a header (magic,
 * depth, entries), then either the (index, VDI id) pairs themselves (depth 1) or, for each leaf object, the highest
 * index it holds and its object id (depth 2). Only reading it is supported here.
 */
final class BTreeIndex {
    /** {@code SD_INODE_DATA_INDEX_SIZE}: a leaf object. */
    static final int NODE_SIZE = 4 * Inode.DATA_INDEX_COUNT;
    private static final int HEADER = 8;
    private static final int ENTRY = 8;
    private static final int INDIRECT_ENTRY = 16;

    private final Session s;
    private final Vdis vdis;

    BTreeIndex(Session s, Vdis vdis) {
        this.s = s;
        this.vdis = vdis;
    }

    /** One entry of the index: an object's index and the VDI that holds it. */
    interface Visitor {
        void entry(long idx, int vid);
    }

    /** A node of the tree: the inode's root (at the index offset) or a leaf object (at 0). */
    private record Node(ByteBuffer b, int at) {
        int depth() {
            return b.getShort(at + 2) & 0xffff;
        }

        int entries() {
            return b.getInt(at + 4);
        }

        long idx(int i, int size) {
            return Integer.toUnsignedLong(b.getInt(at + HEADER + i * size));
        }

        int vid(int i) {
            return b.getInt(at + HEADER + i * ENTRY + 4);
        }

        long oid(int i) {
            return b.getLong(at + HEADER + i * INDIRECT_ENTRY + 8);
        }

        /** {@code nbsearch}: the position of {@code idx}, or where it would go. */
        int search(long idx, int size) {
            int lo = 0;
            int hi = entries() - 1;
            while (lo <= hi) {
                int mid = lo + (hi - lo) / 2;
                long v = idx(mid, size);
                if (idx < v) {
                    hi = mid - 1;
                } else if (idx > v) {
                    lo = mid + 1;
                } else {
                    return mid;
                }
            }
            return lo;
        }
    }

    private static Node root(InodeImage inode) {
        return new Node(ByteBuffer.wrap(inode.bytes()).order(ByteOrder.LITTLE_ENDIAN), Inode.HEADER_SIZE);
    }

    /** {@code sd_inode_get_meta_size}: the bytes of the root after the inode header. */
    static int rootSize(InodeImage header) {
        Node root = root(header);
        return HEADER + root.entries() * (root.depth() == 2 ? INDIRECT_ENTRY : ENTRY);
    }

    /** {@code sd_inode_get_vid} of a hyper volume: 0 where no VDI holds the object. */
    int vid(InodeImage inode, long idx) {
        if (inode.vid(0) == 0) {
            return 0;
        }
        Node root = root(inode);
        if (root.depth() == 1) {
            int p = root.search(idx, ENTRY);
            return p < root.entries() && root.idx(p, ENTRY) == idx ? root.vid(p) : 0;
        }
        if (root.depth() != 2 || root.entries() == 0) {
            return 0;
        }
        int p = root.search(idx, INDIRECT_ENTRY);
        boolean inRange = p < root.entries();
        long oid = root.oid(inRange ? p : p - 1);
        Node leaf = leaf(oid);
        if (leaf == null) {
            s.err("read oid %s fail", Long.toUnsignedString(oid));
            return 0;
        }
        if (!inRange) {
            return 0;
        }
        int q = leaf.search(idx, ENTRY);
        return q < leaf.entries() && leaf.idx(q, ENTRY) == idx ? leaf.vid(q) : 0;
    }

    /** {@code sd_inode_index_walk}: every entry, in index order. */
    void walk(InodeImage inode, Visitor visitor) {
        Node root = root(inode);
        if (root.depth() == 1) {
            visit(root, visitor);
            return;
        }
        for (int i = 0; i < root.entries(); i++) {
            long oid = root.oid(i);
            Node leaf = leaf(oid);
            if (leaf == null) {
                s.err("failed to read %x", oid);
                continue;
            }
            visit(leaf, visitor);
        }
    }

    private static void visit(Node node, Visitor visitor) {
        for (int i = 0; i < node.entries(); i++) {
            visitor.entry(node.idx(i, ENTRY), node.vid(i));
        }
    }

    /** {@code hypver_volume_stat}: objects of the VDI's own, and objects shared with others. */
    long[] objectCounts(InodeImage inode) {
        int self = inode.header().vdiId();
        long[] counts = new long[2];
        walk(inode, (idx, vid) -> {
            if (vid == self) {
                counts[0]++;
            } else if (vid != 0) {
                counts[1]++;
            }
        });
        return counts;
    }

    private Node leaf(long oid) {
        Vdis.Read r = vdis.read(oid, NODE_SIZE, 0, true);
        return r.ok() ? new Node(ByteBuffer.wrap(r.data()).order(ByteOrder.LITTLE_ENDIAN), 0) : null;
    }
}
