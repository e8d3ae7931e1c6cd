package org.sheepdogj.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.cluster.ClusterState;
import org.sheepdogj.cluster.ClusterView;
import org.sheepdogj.peer.PeerService;
import org.sheepdogj.peer.PeerTransport;
import org.sheepdogj.peer.RecoveryList;
import org.sheepdogj.protocol.ClusterInfo;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;
import org.sheepdogj.store.ClusterConfig;
import org.sheepdogj.store.NodeStore;

/**
 * A member's recovery list read in pages from a real peer service over its store on disk: every live object and stale
 * copy comes exactly once and in order, whatever the page size, and objects written or removed between two pages move
 * no other entry out of the list.
 */
class RecoveryListTest {
    private static final SdNode SELF = new SdNode(NodeId.of("127.0.0.1", 7000), 128, 1, 1L << 40);
    private static final int EPOCH = 4;

    @TempDir
    Path dir;

    private final ExecutorService io = Executors.newSingleThreadExecutor();
    private final AtomicInteger requests = new AtomicInteger();
    private NodeStore store;
    private PeerTransport transport;

    /** An entry of the list. */
    private record Entry(long oid, int tag) {
        static final Comparator<Entry> ORDER = Comparator.comparing(Entry::oid, Long::compareUnsigned)
                .thenComparing(Entry::tag, Integer::compareUnsigned);
    }

    @BeforeEach
    void open() {
        store = NodeStore.open(dir, false, 16);
        PeerService peer = new PeerService(store, new ClusterState(view()), io, new FixedPolicy(3, 4096));
        transport = (target, request) -> {
            requests.incrementAndGet();
            return peer.handle(request);
        };
    }

    @AfterEach
    void close() throws InterruptedException {
        io.shutdown();
        io.awaitTermination(10, TimeUnit.SECONDS);
        store.close();
    }

    @Test
    void everyEntryComesOnceAndInOrderWhateverThePageSize() throws Exception {
        List<Entry> expected = fill(new Random(11), 61, 9);
        for (int perPage : new int[] {1, 2, 3, 7, expected.size(), expected.size() + 1, 1000}) {
            requests.set(0);
            List<Entry> read = read(perPage * RecoveryList.ENTRY + 5, page -> { });
            assertEquals(expected, read, "pages of " + perPage + " entries");
            assertEquals(expected.size() / perPage + 1, requests.get(),
                    "pages of " + perPage + ": a page comes back full while entries are left, then one is short");
        }
    }

    @Test
    void objectsWrittenOrRemovedBetweenPagesMoveNoOtherEntry() throws Exception {
        List<Entry> before = fill(new Random(12), 40, 6);
        List<Entry> firstPage = new ArrayList<>();
        List<Entry> read = read(8 * RecoveryList.ENTRY, page -> {
            if (firstPage.isEmpty()) {
                firstPage.addAll(entries(page));
                // an object of the first page goes, and one sorting before the next page's first entry comes
                Entry gone = firstPage.stream().filter(e -> e.tag() == RecoveryList.LIVE).findFirst().orElseThrow();
                store.objects().remove(gone.oid());
                store.objects().create(firstPage.get(0).oid() + 1, 4096, 0, ByteString.fromArray(new byte[16]));
            }
        });
        assertEquals(before, read, "the list as it was when the first page was read");
    }

    @Test
    void aNodeOfAnotherFormatGivesNoList() {
        fill(new Random(13), 5, 0);
        ClusterConfig newer = new ClusterConfig(2000, 0, 3, "plain", false, 0, 22, 0);
        ClusterView formattedAgain = ClusterView.initial(SELF, newer).next(newer, EPOCH, 2004, List.of(SELF),
                ClusterInfo.STATUS_OK, false, 0);
        ExecutionException refused = assertThrows(ExecutionException.class, () -> RecoveryListReader.read(transport,
                SELF.nid(), formattedAgain, 1 << 20, page -> { }).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTrue(refused.getCause().getMessage().contains(ResultCode.describe(ResultCode.NEW_NODE_VER)),
                "the same epoch number of a newer format is not this node's: " + refused.getCause());
    }

    /** Stores {@code live} objects and {@code stale} copies (some of live ones) at oids across the unsigned range. */
    private List<Entry> fill(Random random, int live, int stale) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < live + stale; i++) {
            int vid = random.nextInt(1 << 24);
            long oid = switch (i % 3) {
                case 0 -> Oid.vidToVdiOid(vid);
                case 1 -> Oid.vidToDataOid(vid, random.nextInt(1 << 20));
                default -> Oid.vidToAttrOid(vid, random.nextInt(64));
            };
            store.objects().create(oid, 4096, 0, ByteString.fromArray(new byte[] {(byte) i}));
            if (i < live) {
                entries.add(new Entry(oid, RecoveryList.LIVE));
            } else {
                int epoch = 1 + random.nextInt(3);
                store.objects().moveToStale(oid, epoch);
                entries.add(new Entry(oid, epoch));
                if (i % 2 == 0) {
                    store.objects().create(oid, 4096, 0, ByteString.fromArray(new byte[] {(byte) i}));
                    entries.add(new Entry(oid, RecoveryList.LIVE));
                }
            }
        }
        entries.sort(Entry.ORDER);
        assertTrue(entries.stream().anyMatch(e -> e.oid() < 0), "some oids have the top bit set (VDI objects)");
        return entries;
    }

    private List<Entry> read(int pageBytes, Consumer<ByteBuffer> alsoOnPage) throws Exception {
        List<Entry> read = new ArrayList<>();
        RecoveryListReader.read(transport, SELF.nid(), view(), pageBytes, page -> {
            read.addAll(entries(page));
            alsoOnPage.accept(page);
        }).toCompletableFuture().get(10, TimeUnit.SECONDS);
        return read;
    }

    private static List<Entry> entries(ByteBuffer page) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i + RecoveryList.ENTRY <= page.limit(); i += RecoveryList.ENTRY) {
            out.add(new Entry(page.getLong(i), page.getInt(i + 8)));
        }
        return out;
    }

    private static ClusterView view() {
        ClusterConfig config = new ClusterConfig(1000, 0, 3, "plain", false, 0, 22, 0);
        return ClusterView.initial(SELF, config).next(config, EPOCH, 1004, List.of(SELF), ClusterInfo.STATUS_OK,
                false, 0);
    }
}
