package org.sheepdogj.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import org.sheepdogj.protocol.Inode;

/**
 * The family tree of VDIs ({@code dog/treeview.c}): each VDI hangs under the VDI of the same name whose id is its
 * parent's, else it starts a tree of its own (clones do). Drawn as dog draws it: {@code ---} between a single
 * child and its parent, {@code -+-}, {@code |-} and {@code `-} where a VDI has several.
 */
final class VdiTree {
    private static final String BOLD = "\033[1m";
    private static final String NORMAL = "\033[0m";

    private static final class Node {
        final String name;
        final String label;
        final int vid;
        final int parentVid;
        final boolean highlight;
        final List<Node> children = new ArrayList<>();

        Node(String name, String label, int vid, int parentVid, boolean highlight) {
            this.name = name;
            this.label = label;
            this.vid = vid;
            this.parentVid = parentVid;
            this.highlight = highlight;
        }
    }

    private final Session s;
    private final Node root = new Node("", "", 0, 0, false);
    private int[] width;
    private boolean[] more;

    VdiTree(Session s) {
        this.s = s;
    }

    /** {@code add_vdi_tree}: under the VDI of the same name with the parent's id if one is known yet. */
    void add(String name, String label, int vid, int parentVid, boolean highlight) {
        Node parent = find(root, parentVid, name);
        (parent == null ? root : parent).children.add(new Node(name, label, vid, parentVid, highlight));
    }

    private static Node find(Node parent, int vid, String name) {
        for (Node n : parent.children) {
            if (n.vid == vid && n.name.equals(name)) {
                return n;
            }
            Node found = find(n, vid, name);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /**
     * {@code is_vdi_standalone}: whether the VDI has neither parent nor children among the VDIs of the cluster.
     * Like dog, a failure to list the VDIs counts as standalone.
     */
    boolean standalone(Vdis vdis, int vid, String name) {
        if (vdis.walk((v, n, tag, snapId, inode) -> add(n, tag, v, inode.header().parentVdiId(), false),
                Inode.HEADER_SIZE, true) < 0) {
            return true;
        }
        Node vdi = find(root, vid, name);
        if (vdi == null) {
            s.err("failed to construct vdi tree");
            return false;
        }
        return vdi.parentVid == 0 && vdi.children.isEmpty();
    }

    /** {@code dump_tree}. */
    void print() {
        compact(root);
        int depth = depth(root);
        width = new int[depth + 1];
        more = new boolean[depth + 1];
        PrintStream out = s.out();
        for (Node n : root.children) {
            out.print(n.name);
            more[0] = false;
            width[0] = n.name.length();
            print(out, n, 1, true, true);
        }
    }

    /**
     * {@code compaction}: moves a VDI that was added before its parent under it. The walk goes on from the sibling
     * that followed the moved VDI when it was reached, as the C list walk does.
     */
    private void compact(Node parent) {
        List<Node> list = parent.children;
        int i = 0;
        while (i < list.size()) {
            Node vdi = list.get(i);
            Node next = i + 1 < list.size() ? list.get(i + 1) : null;
            Node newParent = find(root, vdi.parentVid, vdi.name);
            if (newParent != null && newParent != parent) {
                list.remove(i);
                newParent.children.add(vdi);
            }
            compact(vdi);
            if (next == null) {
                return;
            }
            i = indexOf(list, next);
        }
    }

    private static int indexOf(List<Node> list, Node n) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == n) {
                return i;
            }
        }
        return list.size();
    }

    private static int depth(Node parent) {
        int max = 0;
        for (Node n : parent.children) {
            max = Math.max(max, depth(n));
        }
        return max + 1;
    }

    private void print(PrintStream out, Node current, int level, boolean first, boolean last) {
        indent(out, level, first, last);
        out.print(current.highlight ? BOLD + current.label + NORMAL : current.label);
        if (current.children.isEmpty()) {
            out.print("\n");
            return;
        }
        more[level] = !last;
        width[level] = current.label.length();
        for (int i = 0; i < current.children.size(); i++) {
            print(out, current.children.get(i), level + 1, i == 0, i == current.children.size() - 1);
        }
    }

    private void indent(PrintStream out, int level, boolean first, boolean last) {
        if (first) {
            out.print(last ? "---" : "-+-");
            return;
        }
        StringBuilder b = new StringBuilder();
        for (int lvl = 0; lvl < level - 1; lvl++) {
            b.append(" ".repeat(width[lvl] + 1)).append(more[lvl + 1] ? "| " : "  ");
        }
        b.append(" ".repeat(width[level - 1] + 1)).append(last ? "`-" : "|-");
        out.print(b);
    }
}
