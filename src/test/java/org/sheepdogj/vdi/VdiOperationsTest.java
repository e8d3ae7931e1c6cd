package org.sheepdogj.vdi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.sheepdogj.testing.Futures.get;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.client.VdiHandle;
import org.sheepdogj.protocol.ClusterFlags;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Names;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.VdiAttr;
import org.sheepdogj.protocol.VdiStateEntry;
import org.sheepdogj.testing.Ports;
import org.sheepdogj.testing.ProcessCluster;
import org.sheepdogj.testing.TestNode;

/** VDI operations beyond the recorded conversations: locks, DISCARD_OBJ, attribute flags, and space reclaimed. */
class VdiOperationsTest {
    @TempDir
    Path dir;

    @Test
    void locksWhenTheClusterIsFormattedWithLocking() throws Exception {
        try (TestNode node = TestNode.start(dir); SheepdogConnection c = node.connect()) {
            formatWithLocking(c);
            int vid = get(Sheepdog.createVdi(c, "locked", 16 << 20));
            assertEquals(ResultCode.SUCCESS, lock(c, "locked").result());
            assertEquals(ResultCode.VDI_LOCKED, lock(c, "locked").result(), "a second open is refused");
            assertEquals(VdiStateEntry.LOCKED, lockState(c, vid));
            RequestHeader release = RequestHeader.vdi(Opcode.RELEASE_VDI, 0, 0, 0, vid, 0, 0, 0, 0, 0, 0);
            assertEquals(ResultCode.SUCCESS, c.execute(Request.of(release)).result());
            assertEquals(VdiStateEntry.UNLOCKED, lockState(c, vid));
            assertEquals(ResultCode.SUCCESS, lock(c, "locked").result());
        }
    }

    /**
     * The gateway asks a LOCK_VDI again when no answer came (the VDI's actor was on a node that died): if the first try
     * took the lock before its answer was lost, the lock is that request's own, not another client's.
     */
    @Test
    void aLockRequestAskedAgainIsGrantedTheLockItTook() throws Exception {
        try (TestNode node = TestNode.start(dir); SheepdogConnection c = node.connect()) {
            formatWithLocking(c);
            get(Sheepdog.createVdi(c, "vm", 16 << 20));
            Request lock = lockRequest("vm");
            VdiService vdis = node.node().vdis();
            assertEquals(ResultCode.SUCCESS, get(vdis.lookup(lock, true, 42)).result());
            assertEquals(ResultCode.SUCCESS, get(vdis.lookup(lock, true, 42)).result(), "the same request again");
            assertEquals(ResultCode.VDI_LOCKED, get(vdis.lookup(lock, true, 43)).result(), "another request");
            assertEquals(ResultCode.VDI_LOCKED, lock(c, "vm").result(), "another client");
        }
    }

    /**
     * A RELEASE_VDI asked again (its answer lost with the node of the VDI's actor) after another client took the lock
     * leaves that client's lock alone: a release frees only the lock the gateway saw (one from a node of an earlier
     * version, which names no lock, frees any).
     */
    @Test
    void aReleaseAskedAgainLeavesTheNextLockAlone() throws Exception {
        try (TestNode node = TestNode.start(dir); SheepdogConnection c = node.connect()) {
            formatWithLocking(c);
            int vid = get(Sheepdog.createVdi(c, "vm", 16 << 20));
            VdiService vdis = node.node().vdis();
            assertEquals(ResultCode.SUCCESS, get(vdis.lookup(lockRequest("vm"), true, 42)).result());
            VdiState held = vdis.table().get(vid).orElseThrow();
            assertEquals(ResultCode.SUCCESS, get(vdis.release(held)).result());
            assertEquals(ResultCode.SUCCESS, lock(c, "vm").result(), "released");
            assertEquals(ResultCode.SUCCESS, get(vdis.release(held)).result(), "the same release again");
            assertEquals(ResultCode.VDI_LOCKED, lock(c, "vm").result(), "the next client's lock stays");
            VdiState next = vdis.table().get(vid).orElseThrow();
            assertEquals(ResultCode.SUCCESS, get(vdis.release(next.withLock(next.lockState(), null, 0))).result());
            assertEquals(ResultCode.SUCCESS, lock(c, "vm").result(), "a node of an earlier version frees any lock");
        }
    }

    /**
     * The gateway asks NEW_VDI and DEL_VDI again when no answer came: a try that comes again after the first was done
     * gets the first one's answer, even once the VDI's actor has started again elsewhere, and does nothing twice.
     * Requests without an attempt (0, from a node of an earlier version) are never taken for a try asked again.
     */
    @Test
    void newAndDeleteAskedAgainAreDoneOnce() throws Exception {
        Request create = new Request(RequestHeader.vdi(Opcode.NEW_VDI, Flags.WRITE, 256, 16 << 20, 0, 0, 0, 0, 0, 0,
                0), ByteString.fromArray(Names.field("vm", 256)));
        Request delete = new Request(RequestHeader.vdi(Opcode.DEL_VDI, Flags.WRITE, 512, 0, 0, 0, 0, 0, 0, 0, 0),
                ByteString.fromArray(Names.field("vm", 512)));
        int vid;
        Map<String, Object> samePort = Map.of("sheepdog.port", Ports.free());
        try (TestNode node = TestNode.start(dir, samePort); SheepdogConnection c = node.connect()) {
            get(Sheepdog.format(c, 1, 0));
            VdiService vdis = node.node().vdis();
            Response created = get(vdis.newVdi(create, 42));
            assertEquals(ResultCode.SUCCESS, created.result());
            vid = created.header().vdiId();
            Response again = get(vdis.newVdi(create, 42));
            assertEquals(ResultCode.SUCCESS, again.result(), "the same request again");
            assertEquals(vid, again.header().vdiId(), "the same request again");
            assertEquals(ResultCode.VDI_EXIST, get(vdis.newVdi(create, 43)).result(), "another request");
            Request fromOlderNode = new Request(create.header(), ByteString.fromArray(Names.field("old", 256)));
            assertEquals(ResultCode.SUCCESS, get(vdis.newVdi(fromOlderNode, 0)).result());
            assertEquals(ResultCode.VDI_EXIST, get(vdis.newVdi(fromOlderNode, 0)).result(),
                    "requests of a node of an earlier version name no attempt: each is another request");
            assertEquals(ResultCode.SUCCESS, get(vdis.delete(delete, 44)).result());
        }
        try (TestNode node = TestNode.start(dir, samePort); SheepdogConnection c = node.connect()) {
            VdiService vdis = node.node().vdis();
            Response again = get(vdis.delete(delete, 44));
            assertEquals(ResultCode.SUCCESS, again.result(), "the same request again, after a restart");
            assertEquals(vid, again.header().vdiId(), "the same request again, after a restart");
            assertEquals(ResultCode.NO_VDI, get(vdis.delete(delete, 45)).result(), "another request");
            Response recreated = get(vdis.newVdi(create, 46));
            assertEquals(ResultCode.SUCCESS, recreated.result(), "a new request");
            assertNotEquals(vid, recreated.header().vdiId(), "a new request");
            assertEquals(recreated.header().vdiId(), get(Sheepdog.vdiInfo(c, "vm", "", 0)));
        }
    }

    /**
     * A node that starts again frees the locks taken through it in its earlier run, as sheep 1.0 forgets them: the
     * clients that alone could release them were disconnected with that run. A lock of this run stays.
     */
    @Test
    void aNodeStartedAgainFreesTheLocksOfItsEarlierRun() throws Exception {
        Map<String, Object> samePort = Map.of("sheepdog.port", Ports.free());
        int vid;
        try (TestNode node = TestNode.start(dir, samePort); SheepdogConnection c = node.connect()) {
            formatWithLocking(c);
            vid = get(Sheepdog.createVdi(c, "vm", 16 << 20));
            assertEquals(ResultCode.SUCCESS, lock(c, "vm").result());
        }
        try (TestNode node = TestNode.start(dir, samePort); SheepdogConnection c = node.connect()) {
            ProcessCluster.await(Duration.ofSeconds(30), "the lock of the earlier run freed",
                    () -> unlocked(c, vid));
            assertEquals(ResultCode.SUCCESS, lock(c, "vm").result());
            assertEquals(ResultCode.VDI_LOCKED, lock(c, "vm").result(), "the lock taken in this run stays");
            assertEquals(VdiStateEntry.LOCKED, lockState(c, vid), "the lock taken in this run stays");
        }
    }

    @Test
    void withoutLockingLockVdiIsALookup() throws Exception {
        try (TestNode node = TestNode.start(dir); SheepdogConnection c = node.connect()) {
            get(Sheepdog.format(c, 1, 0));
            get(Sheepdog.createVdi(c, "free", 16 << 20));
            assertEquals(ResultCode.SUCCESS, lock(c, "free").result());
            assertEquals(ResultCode.SUCCESS, lock(c, "free").result());
            assertEquals(ResultCode.NO_VDI, lock(c, "other").result());
        }
    }

    @Test
    void attributesHonourExclusiveAndDelete() throws Exception {
        try (TestNode node = TestNode.start(dir); SheepdogConnection c = node.connect()) {
            get(Sheepdog.format(c, 1, 0));
            get(Sheepdog.createVdi(c, "withattrs", 16 << 20));
            byte[] attr = new VdiAttr("withattrs", "", 0, 0, "tux".getBytes(), "owner").encode();
            assertEquals(ResultCode.SUCCESS, attr(c, attr, Flags.CREAT).result());
            assertEquals(ResultCode.VDI_EXIST, attr(c, attr, Flags.CREAT | Flags.EXCL).result());
            Response found = attr(c, attr, 0);
            assertEquals(ResultCode.SUCCESS, found.result());
            long oid = Oid.vidToAttrOid(found.header().vdiId(), found.header().attrId());
            Response read = c.execute(Request.of(RequestHeader.obj(Opcode.READ_OBJ, 0, 0, VdiAttr.SIZE, oid, 0, 0, 0)));
            assertArrayEquals("tux".getBytes(), VdiAttr.decode(read.payload().asByteBuffer()).value());
            assertEquals(ResultCode.SUCCESS, attr(c, attr, Flags.DEL).result());
            assertEquals(ResultCode.NO_OBJ, attr(c, attr, 0).result(), "deleted attributes are not found");
            byte[] unknown = new VdiAttr("nosuchvdi", "", 0, 0, new byte[0], "k").encode();
            assertEquals(ResultCode.NO_VDI, attr(c, unknown, Flags.CREAT).result());
        }
    }

    @Test
    void discardObjAndDeletionsGiveSpaceBack() throws Exception {
        try (TestNode node = TestNode.start(dir); SheepdogConnection c = node.connect()) {
            get(Sheepdog.format(c, 1, 0));
            get(Sheepdog.createVdi(c, "space", 64 << 20));
            byte[] data = new byte[4 << 20];
            Arrays.fill(data, (byte) 9);
            int first;
            try (VdiHandle h = get(VdiHandle.open(c, "space", 0, ""))) {
                first = h.vid();
                for (int i = 0; i < 4; i++) {
                    get(h.write((long) i << 22, ByteString.fromArray(data)));
                }
                assertEquals(4, dataObjects(node));
                RequestHeader discard = RequestHeader.obj(Opcode.DISCARD_OBJ, 0, 0, 4 << 20,
                        Oid.vidToDataOid(first, 3), 0, 0, 0).withOpcode(Opcode.DISCARD_OBJ, 0);
                assertEquals(ResultCode.SUCCESS, c.execute(Request.of(discard)).result());
                awaitDataObjects(node, 3);
                get(h.snapshot("keep"));
                get(h.write(0, ByteString.fromArray(new byte[4096])));
                assertEquals(4, dataObjects(node), "the copy-on-write object is new; the snapshot keeps its own");
            }
            get(Sheepdog.deleteVdi(c, "space", "keep", 0));
            awaitDataObjects(node, 3);
            get(Sheepdog.deleteVdi(c, "space", "", 0));
            awaitDataObjects(node, 0);
            assertEquals(ResultCode.NO_VDI, lock(c, "space").result());
        }
    }

    /**
     * Once a discard is answered, the client may write the object again at once, which creates it under the same id
     * (QEMU's discard, an NBD trim, then a write): the reference the discard dropped must be gone by then, even with
     * the deletion of a large VDI queued ahead of it, or its removal would take the new object.
     */
    @Test
    void anObjectWrittenAgainRightAfterItsDiscardIsKept() throws Exception {
        int objects = 16;
        int oldObjects = 2000;
        try (TestNode node = TestNode.start(dir); SheepdogConnection c = node.connect()) {
            get(Sheepdog.format(c, 1, 0));
            get(Sheepdog.createVdi(c, "disk", (long) objects << 22));
            int oldVid = get(Sheepdog.createVdi(c, "old", (long) oldObjects << 22));
            try (VdiHandle old = get(VdiHandle.open(c, "old", 0, ""))) {
                writeFirstBlocks(old, 0, oldObjects, 7);
            }
            try (VdiHandle h = get(VdiHandle.open(c, "disk", 0, ""))) {
                writeFirstBlocks(h, 0, objects, 1);
                get(Sheepdog.deleteVdi(c, "old", "", 0));
                get(h.discard(0, (long) objects << 22));
                writeFirstBlocks(h, 0, objects, 2);
            }
            ProcessCluster.await(Duration.ofSeconds(60), "the deleted VDI's objects gone", () -> node.node().store()
                    .objects().list().stream().noneMatch(oid -> Oid.isDataObj(oid) && Oid.toVid(oid) == oldVid));
            try (VdiHandle h = get(VdiHandle.open(c, "disk", 0, ""))) {
                for (int i = 0; i < objects; i++) {
                    assertArrayEquals(block(2), get(h.read((long) i << 22, 4096)).toArray(), "object " + i);
                }
            }
        }
    }

    /** Writes a block of {@code pattern} at the start of each object from {@code first} to {@code end}. */
    private static void writeFirstBlocks(VdiHandle h, int first, int end, int pattern) throws Exception {
        for (int from = first; from < end; from += 200) {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = from; i < Math.min(end, from + 200); i++) {
                writes.add(h.write((long) i << 22, ByteString.fromArrayUnsafe(block(pattern))).toCompletableFuture());
            }
            get(CompletableFuture.allOf(writes.toArray(new CompletableFuture[0])));
        }
    }

    private static byte[] block(int pattern) {
        byte[] b = new byte[4096];
        Arrays.fill(b, (byte) pattern);
        return b;
    }

    private static long dataObjects(TestNode node) {
        return node.node().store().objects().list().stream().filter(Oid::isDataObj).count();
    }

    private static void awaitDataObjects(TestNode node, int n) {
        ProcessCluster.await(Duration.ofSeconds(30), n + " data objects", () -> dataObjects(node) == n);
    }

    private static void formatWithLocking(SheepdogConnection c) throws Exception {
        get(Sheepdog.format(c, 1, 0, ClusterFlags.USE_LOCK));
    }

    private static Response lock(SheepdogConnection c, String name) throws IOException {
        return c.execute(lockRequest(name));
    }

    private static Request lockRequest(String name) {
        RequestHeader h = RequestHeader.vdi(Opcode.LOCK_VDI, Flags.WRITE, 512, 0, 0, 0, 0, 0, 0, 0, 0);
        return new Request(h, ByteString.fromArray(Names.field(name, 512)));
    }

    private static Response attr(SheepdogConnection c, byte[] attr, int flags) throws IOException {
        RequestHeader h = RequestHeader.vdi(Opcode.GET_VDI_ATTR, Flags.WRITE | flags, attr.length, 0, 0, 0, 0, 0, 0,
                0, 0);
        return c.execute(new Request(h, ByteString.fromArray(attr)));
    }

    /** Whether the node has the VDI's state (it may still be learning the table after a start), and it is unlocked. */
    private static boolean unlocked(SheepdogConnection c, int vid) {
        try {
            return lockStates(c).getOrDefault(vid, -1) == VdiStateEntry.UNLOCKED;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int lockState(SheepdogConnection c, int vid) throws IOException {
        Integer state = lockStates(c).get(vid);
        if (state != null) {
            return state;
        }
        throw new AssertionError("no state for " + Integer.toHexString(vid));
    }

    /** GET_VDI_COPIES: the lock state of every VDI id, by id. */
    private static Map<Integer, Integer> lockStates(SheepdogConnection c) throws IOException {
        Response r = c.execute(Request.of(RequestHeader.plain(Opcode.GET_VDI_COPIES, 0, 512 * VdiStateEntry.SIZE)));
        ByteBuffer b = r.payload().asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        Map<Integer, Integer> states = new HashMap<>();
        for (int off = 0; off + VdiStateEntry.SIZE <= b.limit(); off += VdiStateEntry.SIZE) {
            b.position(off);
            VdiStateEntry e = VdiStateEntry.decode(b);
            states.put(e.vid(), e.lockState());
        }
        return states;
    }
}
