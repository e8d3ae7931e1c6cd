package org.sheepdogj.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The tree drawing of {@code dog vdi tree}, on a family with branches (the original drew the same). */
class VdiTreeTest {
    private static final String SNAP = "[2026-11-24 21:22]";
    private static final String HERE = "(you are here)";
    /** t: a, then b and c from a; d and e from b; f and g from e; the working VDI from c. */
    private static final String DRAWN = """
            t---[2026-11-24 21:22]-+-[2026-11-24 21:22]-+-[2026-11-24 21:22]
                                   |                    `-[2026-11-24 21:22]-+-[2026-11-24 21:22]
                                   |                                         `-[2026-11-24 21:22]
                                   `-[2026-11-24 21:22]---(you are here)
            """;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Session session = new Session(new Terminal(new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.ISO_8859_1), new PrintStream(new ByteArrayOutputStream()),
            Map.of(), false, false, ZoneOffset.UTC), "dog");

    /** The family of DRAWN, in VDI id order (as dog walks the VDIs), or with the working VDI first. */
    private VdiTree family(boolean workingFirst) {
        VdiTree tree = new VdiTree(session);
        if (workingFirst) {
            tree.add("t", HERE, 0x202ad, 0x202ac, false);
        }
        tree.add("t", SNAP, 0x202a3, 0, false);
        tree.add("t", SNAP, 0x202a4, 0x202a3, false);
        tree.add("t", SNAP, 0x202a5, 0x202a4, false);
        tree.add("t", SNAP, 0x202a7, 0x202a4, false);
        tree.add("t", SNAP, 0x202a8, 0x202a7, false);
        tree.add("t", SNAP, 0x202aa, 0x202a7, false);
        tree.add("t", SNAP, 0x202ac, 0x202a3, false);
        if (!workingFirst) {
            tree.add("t", HERE, 0x202ad, 0x202ac, false);
        }
        return tree;
    }

    @Test
    void branchesAreDrawnUnderTheirParents() {
        family(false).print();
        assertEquals(DRAWN, out.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aVdiMetBeforeItsParentIsMovedUnderIt() {
        family(true).print();
        assertEquals(DRAWN, out.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void clonesStartTreesOfTheirOwnAndTheWorkingVdiIsBoldOnATerminal() {
        VdiTree tree = new VdiTree(session);
        tree.add("Alice", SNAP, 0x15d167, 0, false);
        tree.add("Alice", HERE, 0x15d168, 0x15d167, true);
        tree.add("Charlie", HERE, 0x3ca881, 0x15d167, false);
        tree.print();
        assertEquals("Alice---" + SNAP + "---\033[1m" + HERE + "\033[0m\nCharlie---" + HERE + "\n",
                out.toString(StandardCharsets.ISO_8859_1));
    }
}
