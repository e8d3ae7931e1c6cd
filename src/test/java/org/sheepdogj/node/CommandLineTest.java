package org.sheepdogj.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.testing.NodeProcess;
import org.sheepdogj.testing.ProcessCluster;
import org.sheepdogj.testing.Ports;

/** The daemon's command line as an operator meets it: help, version, and one clear line with status 2 on misuse. */
class CommandLineTest {
    @TempDir
    Path dir;

    private record Run(int status, String output) {
    }

    private static Run sheep(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", NodeProcess.jar().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    @Test
    void helpListsSheepsOptions() throws Exception {
        Run r = sheep("--help");
        assertEquals(0, r.status());
        for (String opt : List.of("--port", "--bindaddr", "--cluster-port", "--join", "--nosync", "--zone",
                "--vnodes", "--gateway", "--log", "--foreground", "--version", "--nbd-port", "--http-port")) {
            assertTrue(r.output().contains(opt), opt + " in\n" + r.output());
        }
    }

    @Test
    void versionIsOneLine() throws Exception {
        Run r = sheep("-v");
        assertEquals(0, r.status());
        assertTrue(r.output().startsWith("sheepdog-j "), r.output());
    }

    @Test
    void aBadFlagIsOneLineAndStatus2() throws Exception {
        Run r = sheep("--no-such-flag", dir.toString());
        assertEquals(2, r.status());
        assertEquals(1, r.output().strip().lines().count(), r.output());
        assertTrue(r.output().startsWith("sheep: "), r.output());
    }

    @Test
    void anUnusableStoreIsOneLineAndStatus2() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        Run r = sheep("-p", String.valueOf(Ports.free()), "--cluster-port", String.valueOf(Ports.free()),
                "--nbd-port", "0", "--http-port", "0", "-b", "127.0.0.1", file.resolve("store").toString());
        assertEquals(2, r.status(), r.output());
        assertTrue(r.output().strip().lines().anyMatch(l -> l.startsWith("sheep: cannot use store directory")),
                r.output());
    }

    @Test
    void aStoreInUseByAnotherNodeIsRefused() throws Exception {
        Path store = dir.resolve("store");
        try (NodeProcess first = NodeProcess.start(store)) {
            Run r = sheep("-p", String.valueOf(Ports.free()), "--cluster-port", String.valueOf(Ports.free()),
                    "--nbd-port", "0", "--http-port", "0", "-b", "127.0.0.1", store.toString());
            assertEquals(2, r.status(), r.output());
            assertTrue(r.output().contains("in use by another process"), r.output());
        }
    }

    @Test
    void aTakenPortStopsTheNodeBeforeItJoinsTheCluster() throws Exception {
        try (NodeProcess first = NodeProcess.start(dir.resolve("first"));
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            try (SheepdogConnection c = first.connect()) {
                Sheepdog.format(c, 1, 0).toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
            ProcessCluster.Members formatted = ProcessCluster.members(first);
            Run r = sheep("-p", String.valueOf(Ports.free()), "--cluster-port", String.valueOf(Ports.free()),
                    "--nbd-port", "0", "--http-port", String.valueOf(taken.getLocalPort()), "-b", "127.0.0.1",
                    "--join", "127.0.0.1:" + first.clusterPort(), dir.resolve("second").toString());
            assertEquals(2, r.status(), r.output());
            assertTrue(r.output().contains("sheep: cannot listen on 127.0.0.1:" + taken.getLocalPort() + " for HTTP"),
                    r.output());
            assertEquals(formatted, ProcessCluster.members(first),
                    "the cluster never had the node that could not start: no epoch came and went with it\n"
                            + first.logTail(20));
        }
    }
}
