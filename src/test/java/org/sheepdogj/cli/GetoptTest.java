package org.sheepdogj.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Option parsing as GNU getopt_long does it for dog. */
class GetoptTest {
    private static final List<OptionSpec> OPTIONS = List.of(new OptionSpec('P', "prealloc", false, ""),
            new OptionSpec('c', "copies", true, ""), new OptionSpec('p', "port", true, ""));

    private static List<String> parse(String... argv) {
        Getopt g = new Getopt(argv, 3, OPTIONS, new PrintStream(new ByteArrayOutputStream()));
        List<String> seen = new ArrayList<>();
        for (int c = g.next(); c != Getopt.END; c = g.next()) {
            seen.add(g.optarg() == null ? String.valueOf((char) c) : (char) c + "=" + g.optarg());
        }
        for (int i = g.optind(); i < g.argv().length; i++) {
            seen.add("operand " + g.argv()[i]);
        }
        return seen;
    }

    @Test
    void optionsMayComeAnywhereAndOperandsKeepTheirOrder() {
        assertEquals(List.of("P", "c=2", "p=7001", "operand x", "operand 1G"),
                parse("dog", "vdi", "create", "x", "-P", "1G", "-c", "2", "-p", "7001"));
    }

    @Test
    void groupedAttachedAndLongForms() {
        assertEquals(List.of("P", "c=3", "c=4", "c=5", "p=1", "operand x"),
                parse("dog", "vdi", "create", "-Pc3", "--copies=4", "--cop", "5", "-p1", "x"));
    }

    @Test
    void doubleDashEndsTheOptions() {
        assertEquals(List.of("P", "operand x", "operand -c"), parse("dog", "vdi", "create", "-P", "--", "x", "-c"));
    }

    @Test
    void aLoneDashIsAnOperand() {
        String[] argv = {"dog", "vdi", "write", "-", "-P"};
        Getopt g = new Getopt(argv, 3, OPTIONS, new PrintStream(new ByteArrayOutputStream()));
        assertEquals('P', g.next());
        assertEquals(Getopt.END, g.next());
        assertArrayEquals(new String[] {"dog", "vdi", "write", "-P", "-"}, g.argv());
        assertEquals(4, g.optind());
    }
}
