package org.sheepdogj.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sheepdogj.testing.Futures.get;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.FrameParser;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;

import com.typesafe.config.ConfigFactory;

/** Peer requests over real TCP to a peer played by a socket of the test. */
class TcpPeerTransportTest {
    private static final int WRITES = 64;
    private static final int BLOCK = 4096;
    private static final long OID = 0x00a1b2c300000007L;
    private static final long OTHER_OID = 0x00a1b2c300000008L;

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

    @Test
    void writesThatContinueEachOtherWhileTheSocketIsBusyReachThePeerAsOneWrite() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<RequestHeader> received = Collections.synchronizedList(new ArrayList<>());
            byte[] object = new byte[WRITES * BLOCK];
            Thread peer = new Thread(() -> answerEverything(server, received, object), "recording-peer");
            peer.setDaemon(true);
            peer.start();
            TcpPeerTransport transport = new TcpPeerTransport(system, 1 << 20, Duration.ofSeconds(10));
            NodeId target = NodeId.of("127.0.0.1", server.getLocalPort());
            byte[] written = new byte[object.length];
            ThreadLocalRandom.current().nextBytes(written);
            List<CompletableFuture<Response>> answers = new ArrayList<>();
            for (int i = 0; i < WRITES; i++) {
                // Runs are broken by a block of another object and by a block that is not written.
                if (i % 8 != 7) {
                    long oid = i % 8 == 3 ? OTHER_OID : OID;
                    answers.add(transport.send(target, write(oid, i, written)).toCompletableFuture());
                }
            }
            for (CompletableFuture<Response> a : answers) {
                assertEquals(ResultCode.SUCCESS, get(a).result());
            }
            for (int i = 0; i < WRITES; i++) {
                if (i % 8 == 3 || i % 8 == 7) {
                    Arrays.fill(written, i * BLOCK, (i + 1) * BLOCK, (byte) 0);
                }
            }
            assertArrayEquals(written, object, "the object holds every write of its own, at its offset");
            assertTrue(received.size() < answers.size(),
                    "contiguous writes were joined: " + received.size() + " requests for " + answers.size());
        }
    }

    private static Request write(long oid, int block, byte[] data) {
        RequestHeader h = RequestHeader.obj(Opcode.WRITE_PEER, Flags.WRITE | Flags.UNSYNCED, 0, BLOCK, oid, 0, 3,
                (long) block * BLOCK);
        return new Request(h, ByteString.fromArray(data, block * BLOCK, BLOCK));
    }

    /** Plays a replica: records each request, stores the writes to {@link #OID} and answers every request. */
    private static void answerEverything(ServerSocket server, List<RequestHeader> received, byte[] object) {
        try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            FrameParser<Request> parser = FrameParser.requests(1 << 20);
            byte[] chunk = new byte[64 << 10];
            for (int n = in.read(chunk); n > 0; n = in.read(chunk)) {
                parser.append(ByteString.fromArray(chunk, 0, n));
                for (Request r = parser.poll(); r != null; r = parser.poll()) {
                    received.add(r.header());
                    if (r.header().oid() == OID) {
                        r.payload().copyToArray(object, (int) r.header().offset(), r.payload().size());
                    }
                    out.write(Response.of(ResultCode.SUCCESS).encodeFor(r.header(), 1).toArray());
                }
            }
        } catch (IOException closed) {
            // the test is over
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
