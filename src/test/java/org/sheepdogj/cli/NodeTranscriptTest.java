package org.sheepdogj.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestInstance;
import org.sheepdogj.testing.TestNode;

/**
 * A test class whose transcript of dog commands runs, in order, against a fresh node of its own; the node's port
 * shows as PORT, dates and times are masked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class NodeTranscriptTest {
    private Path dir;
    private TestNode node;
    private int port;

    @BeforeAll
    void startNode() throws IOException {
        dir = Files.createTempDirectory("dog-session");
        port = DogConsole.fourDigitPort();
        node = TestNode.start(dir, Map.of("sheepdog.port", port));
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
        DogConsole.deleteTree(dir);
    }

    int port() {
        return port;
    }

    List<DynamicTest> transcript(String text) {
        return Transcript.tests(text, port, s -> Transcript.maskTimes(s.replace(Integer.toString(port), "PORT")));
    }
}
