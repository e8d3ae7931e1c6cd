package org.sheepdogj.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.testing.Tools;

/**
 * Keeps the benchmark working: {@code bench/run --quick} with tiny sizes and durations must run every column and
 * print the table and the ratios. It asserts no figure: speed is for the benchmark itself to show.
 */
class BenchmarkSmokeTest {
    @TempDir
    Path dir;

    @Test
    void theBenchmarkRunsEveryColumnAndPrintsItsTable() {
        Tools.require("fio", "fio");
        Tools.require("qemu-nbd", "qemu-utils");
        Tools.require("python3", "python3");
        Tools.Run run = Tools.run("python3", "bench/run", "--quick", "--dir", dir.toString()).ok();
        String out = run.output();
        for (String expected : new String[] {"raw disk", "qemu-nbd", "ours NBD", "ours sheepdog", "ours 3 nodes c=3",
                "4k randwrite qd32", "1M write     qd8", "3/2", "4/3", "5/3", "node memory, one node"}) {
            assertTrue(out.contains(expected), "'" + expected + "' in:\n" + out);
        }
        assertTrue(!out.contains("| -"), "every cell measured:\n" + out);
    }
}
