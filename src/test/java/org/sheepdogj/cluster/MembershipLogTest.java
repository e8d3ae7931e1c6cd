package org.sheepdogj.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.testing.ProcessCluster;
import org.sheepdogj.testing.TestNode;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/** An operator reading the log sees which node joined and which left, with its address, in the epoch's line. */
class MembershipLogTest {
    @TempDir
    Path dir;

    @Test
    void joinAndLeaveAreLoggedWithTheNodesAddress() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(ClusterCoordinator.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try (TestNode a = TestNode.start(dir.resolve("a"), Map.of("sheepdog.zone", 1));
             SheepdogConnection c = a.connect()) {
            Sheepdog.format(c, 1, 0).toCompletableFuture().get(60, TimeUnit.SECONDS);
            String b;
            try (TestNode node = TestNode.start(dir.resolve("b"), Map.of("sheepdog.zone", 2,
                    "sheepdog.join", List.of("127.0.0.1:" + a.node().settings().clusterPort())))) {
                b = "127.0.0.1:" + node.port();
                String expected = "cluster: epoch 2: joined [" + b + "], left []; members [";
                ProcessCluster.await(Duration.ofSeconds(60), expected, () -> logged(events, expected));
            }
            String expected = "cluster: epoch 3: joined [], left [" + b + "]; members [127.0.0.1:" + a.port() + "]";
            ProcessCluster.await(Duration.ofSeconds(60), expected, () -> logged(events, expected));
        } finally {
            logger.detachAppender(events);
        }
        synchronized (events) {
            assertTrue(events.list.stream().allMatch(e -> e.getFormattedMessage().indexOf('\n') < 0), "one line each");
        }
    }

    private static boolean logged(ListAppender<ILoggingEvent> events, String text) {
        // AppenderBase.doAppend holds the appender's lock while it adds to the list
        synchronized (events) {
            return events.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith(text));
        }
    }
}
