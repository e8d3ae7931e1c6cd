package org.sheepdogj.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.testing.TestNode;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * The log level a node starts with ({@code -l}, here {@code sheepdog.log-level}) and the one {@code dog node log
 * level set} gives it later (SET_LOGLEVEL): event lines below it are not written, and GET_LOGLEVEL tells it.
 */
class LogLevelTest {
    @TempDir
    Path dir;

    @Test
    void levelFromTheCommandLineThenFromDog() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger("org.sheepdogj");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        root.addAppender(events);
        try (TestNode node = TestNode.start(dir, Map.of("sheepdog.log-level", "warning"));
             SheepdogConnection c = node.connect()) {
            assertEquals(4, level(c));
            Sheepdog.format(c, 1, 0).toCompletableFuture().get(60, TimeUnit.SECONDS);
            Sheepdog.createVdi(c, "quiet", 1L << 20).toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertFalse(logged(events, "VDI quiet: created"), "an info line at level warning");

            byte[] info = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 6).array();
            RequestHeader set = RequestHeader.plain(Opcode.SET_LOGLEVEL, Flags.WRITE, 4);
            assertEquals(ResultCode.SUCCESS, c.execute(new Request(set, ByteString.fromArray(info))).result());
            assertEquals(6, level(c));
            Sheepdog.createVdi(c, "heard", 1L << 20).toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertTrue(logged(events, "VDI heard: created"), "an info line at level info");
        } finally {
            root.detachAppender(events);
            LogLevels.apply(LogLevels.parse("info"));
        }
    }

    private static int level(SheepdogConnection c) throws Exception {
        return c.execute(Request.of(RequestHeader.plain(Opcode.GET_LOGLEVEL, 0, 4))).payload().asByteBuffer()
                .order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    }

    private static boolean logged(ListAppender<ILoggingEvent> events, String text) {
        synchronized (events) {
            return events.list.stream().anyMatch(e -> e.getFormattedMessage().contains(text));
        }
    }
}
