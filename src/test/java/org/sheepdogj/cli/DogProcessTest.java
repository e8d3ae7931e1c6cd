package org.sheepdogj.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.sheepdogj.testing.NodeProcess;
import org.sheepdogj.testing.TestNode;

/**
 * dog as operators run it: a process of its own through {@code bin/dog}, {@code bin/collie} or
 * {@code java -jar sheep.jar dog}, with its exit status, its two streams, and bytes that are not text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DogProcessTest {
    private Path dir;
    private TestNode node;
    private int port;

    /** What a dog process wrote and how it ended. */
    private record Ran(int status, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.ISO_8859_1);
        }
    }

    @BeforeAll
    void start() throws IOException {
        dir = Files.createTempDirectory("dog-process");
        port = DogConsole.fourDigitPort();
        node = TestNode.start(dir, Map.of("sheepdog.port", port));
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.close();
        }
        DogConsole.deleteTree(dir);
    }

    private static Ran run(byte[] stdin, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        try (var in = p.getOutputStream()) {
            in.write(stdin);
        }
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "dog ended");
        return new Ran(p.exitValue(), out.get(), new String(err.get(), StandardCharsets.ISO_8859_1));
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> jar(String program, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", NodeProcess.jar().toString(), program));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** {@code bin/dog} or {@code bin/collie}; they run target/sheep.jar, which must have been built. */
    private static List<String> wrapper(String program, String... args) {
        NodeProcess.jar();
        List<String> cmd = new ArrayList<>(List.of(Path.of("bin", program).toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void collieIsDogUnderItsOlderName() throws Exception {
        Ran r = run(new byte[0], wrapper("collie", "--help"));
        assertEquals(0, r.status());
        assertTrue(r.text().startsWith("Sheepdog administrator utility (version 1.0.1)\n"
                + "Usage: collie <command> <subcommand> [options]\n"), r.text());
    }

    @Test
    void anUnreachableNodeEndsDogWithItsStatus() throws Exception {
        int closed = DogConsole.closedPort();
        Ran r = run(new byte[0], jar("dog", "vdi", "list", "-p", Integer.toString(closed)));
        String refused = "failed to connect to 127.0.0.1:" + closed + ": Connection refused\n";
        assertEquals(refused + refused, r.err());
        assertEquals("  Name        Id    Size    Used  Shared    Creation time   VDI id  Copies  Tag   Block Size"
                + " Shift\n", r.text());
        assertEquals(2, r.status());
    }

    @Test
    void bytesGoInAndComeOutUnchanged() throws Exception {
        String p = Integer.toString(port);
        assertEquals(0, run(new byte[0], wrapper("dog", "cluster", "format", "-c", "1", "-p", p)).status());
        assertEquals(0, run(new byte[0], wrapper("dog", "vdi", "create", "bin", "8M", "-p", p)).status());
        String dog = wrapper("dog").get(0);
        Ran named = run(new byte[0], List.of("sh", "-c", dog + " vdi create \"$(printf 'x\\377')\" 4M -p " + p
                + " && " + dog + " vdi list -r \"$(printf 'x\\377')\" -p " + p));
        assertEquals(0, named.status(), named.err());
        assertTrue(named.text().startsWith("= x\u00ff 0 4194304 0 0 "), "a name that is not UTF-8: " + named.text());
        byte[] data = new byte[70_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        Ran write = run(data, wrapper("dog", "vdi", "write", "bin", "4194000", "70000", "-p", p));
        assertEquals(0, write.status(), write.err());
        Ran read = run(new byte[0], jar("dog", "vdi", "read", "bin", "4194000", "70000", "-p", p));
        assertEquals(0, read.status(), read.err());
        assertArrayEquals(data, read.out());
        Ran missing = run(new byte[0], wrapper("dog", "vdi", "read", "nosuch", "-p", p));
        assertEquals("Failed to open VDI nosuch (snapshot id: 0 snapshot tag: ): No VDI found\n", missing.err());
        assertEquals(1, missing.status());
    }
}
