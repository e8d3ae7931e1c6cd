package org.sheepdogj.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DynamicTest;
import org.sheepdogj.testing.TestNode;

/** A fresh node of ours for one test class's transcript of dog commands; the port shows as PORT in the outputs. */
final class NodeSession implements AutoCloseable {
    private final Path dir;
    private final TestNode node;
    private final int port;

    NodeSession() {
        try {
            dir = Files.createTempDirectory("dog-session");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        port = DogConsole.fourDigitPort();
        node = TestNode.start(dir, Map.of("sheepdog.port", port));
    }

    int port() {
        return port;
    }

    List<DynamicTest> transcript(String text) {
        return Transcript.tests(text, port, s -> Transcript.maskTimes(s.replace(Integer.toString(port), "PORT")));
    }

    @Override
    public void close() {
        node.close();
        DogConsole.deleteTree(dir);
    }
}
