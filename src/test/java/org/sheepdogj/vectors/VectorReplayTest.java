package org.sheepdogj.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.testing.TestNode;

/**
 * Replays, against one node of ours over real TCP, every conversation that QEMU 5.0 and dog 1.0.1 had with the
 * original sheep 1.0.1 (the recordings under {@code vectors/sheepdog-1.0.1}), in the order they happened, and checks
 * that each request gets the original's answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VectorReplayTest {
    private static final String DIR = "/vectors/sheepdog-1.0.1/";
    private static final int ORIGINAL_PORT = 7000;
    private static final Set<Integer> PEER_OPCODES = Set.of(Opcode.CREATE_AND_WRITE_PEER, Opcode.READ_PEER,
            Opcode.WRITE_PEER, Opcode.REMOVE_PEER, Opcode.DECREF_PEER);
    static final List<String> SCENARIOS = List.of("02-dog-node-list", "03-dog-cluster-info", "04-qemu-img-create",
            "05-dog-vdi-create", "06-dog-vdi-list", "07-qemu-io-write", "08-qemu-io-read", "09-qemu-img-snapshot",
            "10-qemu-io-write-after-snapshot", "11-qemu-img-clone", "12-qemu-io-clone-cow-write",
            "13-qemu-io-read-snapshot", "14-qemu-img-snapshot-list", "15-dog-vdi-write-read",
            "16-dog-vdi-snapshot-clone", "17-dog-vdi-attr", "18-dog-vdi-delete", "19-qemu-io-flush-discard",
            "20-qemu-img-resize", "21-dog-errors", "22-dog-cluster-shutdown");

    private Path dir;
    private TestNode node;

    @BeforeAll
    void startAndFormat() throws Exception {
        dir = Files.createTempDirectory("replay");
        node = TestNode.start(dir);
        try (SheepdogConnection c = node.connect()) {
            Sheepdog.format(c, 1, originalClusterCtime()).toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    /** The original cluster's creation time, so that CLUSTER_INFO can be compared whole. */
    private static long originalClusterCtime() {
        for (Capture.Conversation c : Capture.read(DIR + "pcap/03-dog-cluster-info.pcap.xz", ORIGINAL_PORT)) {
            for (Capture.Exchange x : c.exchanges()) {
                if (x.request().opcode() == Opcode.STAT_CLUSTER && x.expected().payload().size() >= 8) {
                    return x.expected().payload().asByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getLong(0);
                }
            }
        }
        throw new IllegalStateException("no STAT_CLUSTER in the capture");
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyRecordedConversation() {
        return SCENARIOS.stream().map(s -> DynamicTest.dynamicTest(s, () -> replay(s)));
    }

    private record Step(Capture.Conversation conversation, Capture.Exchange exchange) {
    }

    private void replay(String scenario) throws Exception {
        List<Step> steps = new ArrayList<>();
        for (Capture.Conversation c : Capture.read(DIR + "pcap/" + scenario + ".pcap.xz", ORIGINAL_PORT)) {
            if (c.exchanges().isEmpty() || PEER_OPCODES.contains(c.exchanges().get(0).request().opcode())) {
                continue;
            }
            c.exchanges().forEach(x -> steps.add(new Step(c, x)));
        }
        assertTrue(!steps.isEmpty(), "no client requests in " + scenario);
        steps.sort(Comparator.comparingLong(s -> s.exchange().timeMicros()));
        Map<Integer, SheepdogConnection> sockets = new HashMap<>();
        List<String> failures = new ArrayList<>();
        try {
            for (Step s : steps) {
                SheepdogConnection conn = sockets.computeIfAbsent(s.conversation().clientPort(),
                        k -> node.connect());
                Capture.Exchange x = s.exchange();
                assertNotNull(x.expected(), "the capture has no answer to a request in " + scenario);
                Response actual = conn.call(x.request()).toCompletableFuture().get(60, TimeUnit.SECONDS);
                for (String d : ResponseDiff.compare(x.request(), x.expected(), actual)) {
                    failures.add(String.format("%s (id %d, oid %016x, offset %d, length %d): %s",
                            Opcode.name(x.request().opcode()), x.request().header().id(), x.request().header().oid(),
                            x.request().header().offset(), x.request().header().dataLength(), d));
                }
            }
        } finally {
            sockets.values().forEach(SheepdogConnection::close);
        }
        assertEquals(List.of(), failures, scenario + ": answers that differ from the original's");
    }

    static int le32(byte[] b, int off) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(off);
    }
}
