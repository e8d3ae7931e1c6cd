package org.sheepdogj.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sheepdogj.testing.Futures.get;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;

import com.typesafe.config.ConfigFactory;

/** A peer that takes requests over TCP and never answers: its requests fail with NETWORK_ERROR after the timeout. */
class TcpPeerTransportTest {
    private final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "peer-transport-test",
            ConfigFactory.parseString("pekko.actor.provider = local").withFallback(ConfigFactory.load()));

    @AfterEach
    void stop() {
        system.terminate();
    }

    @Test
    void aPeerThatNeverAnswersFailsTheRequestAfterTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread swallower = new Thread(() -> swallow(silent), "silent-peer");
            swallower.setDaemon(true);
            swallower.start();
            TcpPeerTransport transport = new TcpPeerTransport(system, 1 << 20, Duration.ofSeconds(1));
            NodeId peer = NodeId.of("127.0.0.1", silent.getLocalPort());
            Request request = Request.of(RequestHeader.plain(Opcode.GET_EPOCH, 0, 0));
            Response first = get(transport.send(peer, request));
            Response second = get(transport.send(peer, request));
            assertEquals(ResultCode.NETWORK_ERROR, first.result());
            assertEquals(ResultCode.NETWORK_ERROR, second.result(), "every unanswered request fails, not only one");
        }
    }

    private static void swallow(ServerSocket server) {
        try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException closed) {
            // the test is over
        }
    }
}
