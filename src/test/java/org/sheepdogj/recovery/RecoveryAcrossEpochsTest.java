package org.sheepdogj.recovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.cluster.ClusterCoordinator;
import org.sheepdogj.cluster.ClusterState;
import org.sheepdogj.cluster.ClusterView;
import org.sheepdogj.peer.ObjectPolicy;
import org.sheepdogj.peer.PeerService;
import org.sheepdogj.peer.PeerTransport;
import org.sheepdogj.peer.RecoveryList;
import org.sheepdogj.protocol.ClusterInfo;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;
import org.sheepdogj.store.ClusterConfig;
import org.sheepdogj.store.NodeStore;
import org.sheepdogj.testing.ProcessCluster;

/**
 * A recovery superseded by a newer epoch while one of its fetches is still on the wire. The recovering node is real
 * (its manager, tracker, peer service and store on disk); what the members list, and the two nodes it fetches from,
 * answer as scripted, so that the test decides when each fetch ends.
 */
class RecoveryAcrossEpochsTest {
    private static final int OBJECT_SIZE = 64 << 10;
    private static final long OID = Oid.vidToDataOid(0x7c2b25, 3);
    private static final SdNode SELF = node(7000);
    private static final SdNode FIRST_SOURCE = node(7001);
    private static final SdNode SECOND_SOURCE = node(7002);

    @TempDir
    Path dir;

    private final ActorTestKit kit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.provider = local")
            .withFallback(ConfigFactory.load()));
    private final ExecutorService io = Executors.newSingleThreadExecutor();
    private final BlockingQueue<Fetch> fetches = new LinkedBlockingQueue<>();
    private final Set<Long> sourcesHold = ConcurrentHashMap.newKeySet();
    /** Object lists the sources refuse before they answer again. */
    private final AtomicInteger listsRefused = new AtomicInteger();
    private final RecoveryTracker tracker = new RecoveryTracker();
    private final TestProbe<ClusterCoordinator.Command> coordinator = kit.createTestProbe();
    private final byte[] content = new byte[OBJECT_SIZE];
    private NodeStore store;
    private ActorRef<RecoveryManager.Command> manager;

    /** A READ_PEER of the recovery sent to a source and not answered yet. */
    private record Fetch(Request request, CompletableFuture<Response> answer) {
        int epoch() {
            return request.header().epoch();
        }
    }

    @BeforeEach
    void open() {
        store = NodeStore.open(dir, false, 16);
        new Random(3).nextBytes(content);
        sourcesHold.add(OID);
    }

    @AfterEach
    void close() {
        kit.shutdownTestKit();
        io.shutdownNow();
        store.close();
    }

    @Test
    void theEndOfASupersededFetchDoesNotCountForTheNewEpoch() throws Exception {
        start(view(3, 1000));
        Fetch superseded = fetchIn(view(2, 1000));
        Fetch current = fetchIn(view(3, 1000));
        assertEquals(List.of(2, 3), List.of(superseded.epoch(), current.epoch()));

        superseded.answer().complete(Response.data(ByteString.fromArray(content)));
        coordinator.expectNoMessage(Duration.ofSeconds(1));
        assertFalse(tracker.ready(OID).toCompletableFuture().isDone(),
                "a request for the object still waits for the fetch of epoch 3");

        current.answer().complete(Response.data(ByteString.fromArray(content)));
        assertEquals(new ClusterCoordinator.RecoveryDone(SELF.nid(), 3),
                coordinator.receiveMessage(Duration.ofSeconds(10)));
        tracker.ready(OID).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertArrayEquals(content, store.objects().readWhole(OID, null).toArray(), "the object is recovered");
    }

    @Test
    void aRecoveryOfTheClusterBeforeAFormatStoresNothingInTheNewOne() throws Exception {
        ClusterView formatted = view(1, 2000);
        start(formatted);
        Fetch old = fetchIn(view(1, 1000));
        sourcesHold.clear();
        changeTo(formatted);
        TestProbe<RecoveryManager.Progress> progress = kit.createTestProbe();
        ProcessCluster.await(Duration.ofSeconds(10), "the new cluster listed", () -> {
            manager.tell(new RecoveryManager.GetProgress(progress.ref()));
            return !progress.receiveMessage().listing();
        });

        old.answer().complete(Response.data(ByteString.fromArray(content)));
        io.submit(() -> { }).get(10, TimeUnit.SECONDS);
        assertFalse(store.objects().exists(OID), "the object of the cluster before the format is not stored");
        assertEquals(new ClusterCoordinator.RecoveryDone(SELF.nid(), 1),
                coordinator.receiveMessage(Duration.ofSeconds(10)), "the new cluster has nothing to recover");
        coordinator.expectNoMessage(Duration.ofMillis(500));
        assertTrue(tracker.ready(OID).toCompletableFuture().isDone());
    }

    @Test
    void anObjectRemovedSinceItWasListedIsNotWaitedFor() throws Exception {
        ClusterView second = view(2, 1000);
        start(second);
        Fetch first = fetchIn(second);
        first.answer().complete(Response.of(ResultCode.NO_OBJ));
        Fetch next = fetches.poll(10, TimeUnit.SECONDS);
        assertNotNull(next, "the other source is asked");
        next.answer().complete(Response.of(ResultCode.NO_OBJ));
        assertEquals(new ClusterCoordinator.RecoveryDone(SELF.nid(), 2),
                coordinator.receiveMessage(Duration.ofSeconds(10)), "no source has it: it was removed (a discard)");
        assertFalse(store.objects().exists(OID));
    }

    @Test
    void aNodeWaitingToListAgainIsStillInRecovery() throws Exception {
        listsRefused.set(1);
        ClusterView second = view(2, 1000);
        start(second);
        changeTo(second);
        ProcessCluster.await(Duration.ofSeconds(10), "a source refused its list", () -> listsRefused.get() == 0);
        coordinator.expectNoMessage(Duration.ofSeconds(1));
        TestProbe<RecoveryManager.Progress> progress = kit.createTestProbe();
        manager.tell(new RecoveryManager.GetProgress(progress.ref()));
        RecoveryManager.Progress waiting = progress.receiveMessage();
        assertTrue(waiting.inRecovery() && waiting.listing(),
                "until the lists are had again the node recovers, its objects not listed yet: " + waiting);

        Fetch f = fetches.poll(20, TimeUnit.SECONDS);
        assertNotNull(f, "the lists are asked for again, and the object fetched");
        f.answer().complete(Response.data(ByteString.fromArray(content)));
        assertEquals(new ClusterCoordinator.RecoveryDone(SELF.nid(), 2),
                coordinator.receiveMessage(Duration.ofSeconds(10)));
    }

    /** A manager on this node, whose cluster is already at {@code current}, fetching through the scripted sources. */
    private void start(ClusterView current) {
        ObjectPolicy policy = new FixedPolicy(3, OBJECT_SIZE);
        PeerService local = new PeerService(store, new ClusterState(current), io, policy);
        PeerTransport transport = (target, request) -> target.equals(SELF.nid()) ? list(Set.of())
                : source(request);
        manager = kit.spawn(RecoveryManager.create(transport, local, policy, tracker, coordinator.ref(), 1 << 22,
                new RecoveryManager.Throttle(4, 0, Duration.ofSeconds(1))));
    }

    /** What the node's epoch change does before the manager hears of it: requests wait for the new listing. */
    private void changeTo(ClusterView v) {
        tracker.beginListing();
        manager.tell(new RecoveryManager.ViewChanged(v));
    }

    /** Moves the manager to {@code v} and returns its fetch of the object, which the sources hold. */
    private Fetch fetchIn(ClusterView v) throws InterruptedException {
        changeTo(v);
        Fetch f = fetches.poll(10, TimeUnit.SECONDS);
        assertNotNull(f, "epoch " + v.epoch() + " of format " + v.config().ctime() + " fetches the object");
        return f;
    }

    /** A source lists the object live while it holds it, and answers a fetch only when the test says. */
    private CompletionStage<Response> source(Request request) {
        if (request.header().opcode() == Opcode.GET_OBJ_LIST) {
            return listsRefused.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                    ? CompletableFuture.completedFuture(Response.of(ResultCode.EIO)) : list(sourcesHold);
        }
        if (request.header().opcode() == Opcode.READ_PEER) {
            Fetch f = new Fetch(request, new CompletableFuture<>());
            fetches.add(f);
            return f.answer();
        }
        return CompletableFuture.completedFuture(Response.of(ResultCode.INVALID_PARMS));
    }

    /** A recovery object list: each object live. */
    private static CompletionStage<Response> list(Set<Long> live) {
        ByteBuffer list = ByteBuffer.allocate(live.size() * RecoveryList.ENTRY).order(ByteOrder.LITTLE_ENDIAN);
        for (long oid : live) {
            list.putLong(oid).putInt(RecoveryList.LIVE).putInt(0);
        }
        return CompletableFuture.completedFuture(Response.data(ByteString.fromArray(list.array())));
    }

    private static ClusterView view(int epoch, long ctime) {
        ClusterConfig config = new ClusterConfig(ctime, 0, 3, "plain", false, 0, 22, 0);
        return ClusterView.initial(SELF, config).next(config, epoch, ctime + epoch,
                List.of(SELF, FIRST_SOURCE, SECOND_SOURCE), ClusterInfo.STATUS_OK, false, 0);
    }

    private static SdNode node(int port) {
        return new SdNode(NodeId.of("127.0.0.1", port), 128, port - 6999, 1L << 40);
    }
}
