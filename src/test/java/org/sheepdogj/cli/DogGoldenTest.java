package org.sheepdogj.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.client.VdiHandle;

/**
 * The recorded sessions of dog 1.0.1 with sheep 1.0.1 ({@code vectors/sheepdog-1.0.1/NN-*.out}), played again in
 * their order against one node of ours: every dog command line of a recording is run by our dog, and must print
 * what the original printed, line for line, and end with its exit status. The QEMU steps between them are done
 * with the client library, so that dog sees the same VDIs. Masked: dates and times (they differ between runs) and
 * the node's port (the recording's node listened on 7000; ours listens on another port of four digits, so the
 * columns stay where they were).
 */
class DogGoldenTest extends NodeTranscriptTest {
    private static final String DIR = "/vectors/sheepdog-1.0.1/";
    private static final int RECORDED_PORT = 7000;
    private static final int MB = 1 << 20;
    private static final Pattern EXIT = Pattern.compile("\\[exit (\\d+)]$");

    private SheepdogConnection qemu;

    @BeforeAll
    void connect() throws IOException {
        qemu = new SheepdogConnection("127.0.0.1", port());
    }

    @AfterAll
    void disconnect() {
        if (qemu != null) {
            qemu.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> recordedSessions() {
        return Stream.of(
                dog("01-dog-cluster-format"),
                dog("02-dog-node-list"),
                dog("03-dog-cluster-info"),
                qemu("04-qemu-img-create", () -> Sheepdog.createVdi(qemu, "Alice", 64 * MB).toCompletableFuture()
                        .get(60, TimeUnit.SECONDS)),
                dog("05-dog-vdi-create"),
                dog("06-dog-vdi-list"),
                qemu("07-qemu-io-write", () -> onVdi("Alice", h -> h.write(0, pattern(0x5a, 64 << 10))
                        .thenCompose(v -> h.write(4 * MB, pattern(0xa5, 4096))))),
                qemu("09-qemu-img-snapshot", () -> onVdi("Alice", h -> h.snapshot("snap1"))),
                qemu("10-qemu-io-write-after-snapshot", () -> onVdi("Alice", h -> h.write(0, pattern(0x77, 4096)))),
                qemu("11-qemu-img-clone", () -> Sheepdog.clone(qemu, "Alice", 1, "", "Charlie").toCompletableFuture()
                        .get(60, TimeUnit.SECONDS)),
                qemu("12-qemu-io-clone-cow-write", () -> onVdi("Charlie", h -> h.write(8192, pattern(0x11, 4096)))),
                dog("15-dog-vdi-write-read"),
                dog("16-dog-vdi-snapshot-clone"),
                dog("17-dog-vdi-attr"),
                dog("18-dog-vdi-delete"),
                qemu("19-qemu-io-flush-discard", () -> onVdi("Alice", h -> h.write(0, pattern(0x42, 4096))
                        .thenCompose(v -> h.flush()).thenCompose(v -> h.discard(4 * MB, 4 * MB)))),
                qemu("20-qemu-img-resize", () -> onVdi("Alice", h -> h.resize(128L * MB))),
                dog("21-dog-errors"),
                dog("22-dog-cluster-shutdown"));
    }

    private DynamicTest dog(String scenario) {
        return DynamicTest.dynamicTest(scenario, () -> {
            Recording r = Recording.read(DIR + scenario + ".out");
            Transcript.Step actual = Transcript.run(r.command(), port());
            assertEquals(mask(r.output()), mask(actual.output()), scenario + ": " + r.command());
            assertEquals(r.status(), actual.status(), scenario + ": exit status");
        });
    }

    private static DynamicTest qemu(String scenario, IoStep step) {
        return DynamicTest.dynamicTest(scenario + " (client library)", step::run);
    }

    private interface IoStep {
        void run() throws Exception;
    }

    /** Opens the VDI as QEMU does, does the I/O, and closes it (RELEASE_VDI) once the I/O is done. */
    private void onVdi(String name, Function<VdiHandle, CompletionStage<?>> io) throws Exception {
        VdiHandle h = VdiHandle.open(qemu, name, 0, "").toCompletableFuture().get(60, TimeUnit.SECONDS);
        try {
            io.apply(h).toCompletableFuture().get(60, TimeUnit.SECONDS);
        } finally {
            h.close();
        }
    }

    private static ByteString pattern(int value, int length) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return ByteString.fromArrayUnsafe(b);
    }

    private String mask(String text) {
        return Transcript.maskTimes(text.replace("127.0.0.1:" + port(), "127.0.0.1:" + RECORDED_PORT));
    }

    /** One recorded session: the command line as typed, what it printed, and its exit status. */
    record Recording(String command, String output, int status) {
        static Recording read(String resource) throws IOException {
            String text;
            try (InputStream in = DogGoldenTest.class.getResourceAsStream(resource)) {
                assertTrue(in != null, "missing " + resource);
                text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            }
            assertTrue(text.startsWith("$ "), resource + " starts with the command");
            int eol = text.indexOf('\n');
            String body = text.substring(eol + 1).stripTrailing();
            Matcher m = EXIT.matcher(body);
            assertTrue(m.find(), resource + " ends with the exit status");
            return new Recording(text.substring(2, eol), body.substring(0, m.start()), Integer.parseInt(m.group(1)));
        }
    }
}
