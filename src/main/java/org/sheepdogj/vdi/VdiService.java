package org.sheepdogj.vdi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.util.ByteString;
import org.sheepdogj.cluster.ClusterState;
import org.sheepdogj.cluster.ClusterView;
import org.sheepdogj.peer.ObjectIo;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Limits;
import org.sheepdogj.protocol.Names;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.ProtocolVersion;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.VdiAttr;
import org.sheepdogj.protocol.VdiStateEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VDI requests of the protocol, as the gateway sees them: it checks and completes their parameters, sends them
 * to the actor of the VDI's name, and answers the bitmap and state queries from this node's {@link VdiTable}.
 */
public final class VdiService {
    private static final Logger log = LoggerFactory.getLogger(VdiService.class);
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(120);
    /**
     * How long a VDI request waits before it is asked again: VDI actors answer in milliseconds, or within a few
     * seconds when their objects are being recovered; a question lost with a dead node gets its answer once the cluster
     * has moved that node's actors (about 15 s), from the try that follows.
     */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(10);
    private static final int NAME_ONLY = Names.FIELD_LEN;
    private static final int NAME_AND_TAG = 2 * Names.FIELD_LEN;
    /** A VDI actor whose state could not be read (its objects still being recovered) starts again, later. */
    private static final SupervisorStrategy RESTART = SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200),
            Duration.ofSeconds(5), 0.2);

    private final ActorSystem<?> system;
    private final ClusterState cluster;
    private final ObjectIo objects;
    private final VdiTable table;
    private final NodeId self;
    private final int maxBlockSizeShift;
    private final ClusterSharding sharding;
    private final ActorRef<VdiRegistry.Command> registry;
    private final OrphanedLocks orphanedLocks;

    public VdiService(ActorSystem<?> system, ClusterState cluster, ObjectIo objects, VdiTable table, NodeId self,
                      int maxBlockSizeShift) {
        this.system = system;
        this.cluster = cluster;
        this.objects = objects;
        this.table = table;
        this.self = self;
        this.maxBlockSizeShift = maxBlockSizeShift;
        ObjectStateStore.register(system.classicSystem(), objects);
        system.systemActorOf(VdiTableKeeper.create(table), "vdi-table", Props.empty());
        this.registry = ClusterSingleton.get(system).init(SingletonActor.of(
                Behaviors.supervise(VdiRegistry.create()).onFailure(RESTART), "vdi-registry"));
        VdiContext vc = new VdiContext(cluster, objects, table, registry, new Reclaimer(objects));
        this.sharding = ClusterSharding.get(system);
        sharding.init(Entity.of(VdiEntity.TYPE_KEY,
                ec -> Behaviors.supervise(VdiEntity.create(vc, ec.getEntityId())).onFailure(RESTART)));
        this.orphanedLocks = new OrphanedLocks(cluster, self, this::release);
        table.subscribe(orphanedLocks::check);
        cluster.subscribe(view -> orphanedLocks.check(table.all()));
    }

    public VdiTable table() {
        return table;
    }

    private CompletionStage<Response> ask(String name, Function<ActorRef<VdiReply>, VdiEntity.Command> command) {
        return ask(name, command, ASK_TIMEOUT);
    }

    private CompletionStage<Response> ask(String name, Function<ActorRef<VdiReply>, VdiEntity.Command> command,
                                          Duration timeout) {
        long ctime = cluster.current().config().ctime();
        return sharding.entityRefFor(VdiEntity.TYPE_KEY, VdiEntity.entityId(ctime, name))
                .ask(command::apply, timeout)
                .thenApply(VdiReply::toResponse);
    }

    /**
     * A question that may be asked twice is asked again when it goes unanswered for a while: sharding delivers at most
     * once, and a message sent to the node of the VDI's actor just as that node died (or froze) is lost, where the
     * client would otherwise wait the whole {@link #ASK_TIMEOUT} and get an error. Once the cluster has moved the
     * actor, the next try reaches it. Lookups and attribute reads change nothing; a write into an inode or a
     * discard sets what it sets, and clients (QEMU, {@code VdiHandle}) never have two on one index entry at once;
     * NEW_VDI, DEL_VDI and LOCK_VDI carry their attempt, which the actor keeps with what it changed, so that a try
     * that comes again after the first was done gets the first one's answer; RELEASE_VDI names the lock it frees.
     */
    private CompletionStage<Response> askAgainWhenLost(String name, int opcode,
                                                       Function<ActorRef<VdiReply>, VdiEntity.Command> command) {
        return askAgainWhenLost(name, opcode, command, System.nanoTime() + ASK_TIMEOUT.toNanos());
    }

    private CompletionStage<Response> askAgainWhenLost(String name, int opcode,
                                                       Function<ActorRef<VdiReply>, VdiEntity.Command> command,
                                                       long deadline) {
        long left = deadline - System.nanoTime();
        Duration patience = Duration.ofNanos(Math.max(0, Math.min(left, RETRY_AFTER.toNanos())));
        return ask(name, command, patience).handle((response, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(response);
            }
            if (isTimeout(error) && System.nanoTime() < deadline) {
                log.info("VDI {}: no answer to {} from its actor in {} s, asking again", Names.toUserText(name),
                        Opcode.name(opcode), patience.toSeconds());
                return askAgainWhenLost(name, opcode, command, deadline);
            }
            return CompletableFuture.<Response>failedFuture(error);
        }).thenCompose(Function.identity());
    }

    /** What names a request that changes something, in each of its tries. */
    private static long newAttempt() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    private static boolean isTimeout(Throwable e) {
        Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return c instanceof TimeoutException;
    }

    /** NEW_VDI ({@code cluster_new_vdi}): defaults from the cluster, then create, clone or snapshot. */
    public CompletionStage<Response> newVdi(Request req) {
        return newVdi(req, newAttempt());
    }

    /** A NEW_VDI that names its {@code attempt}: asked again with the same one, it is not done twice. */
    CompletionStage<Response> newVdi(Request req, long attempt) {
        RequestHeader h = req.header();
        ClusterView v = cluster.current();
        int copies = h.vdiCopies();
        int policy = h.vdiCopyPolicy();
        if (copies == 0) {
            copies = v.config().copies();
            policy = v.config().copyPolicy();
        }
        int shift = h.vdiBlockSizeShift() == 0 ? v.config().blockSizeShift() : h.vdiBlockSizeShift();
        int fCopies = copies;
        int fShift = shift;
        Function<Integer, Response> refuse = r -> new VdiReply(r, 0, 0, fCopies, fShift).toResponse();
        if (h.dataLength() != NAME_ONLY) {
            return completed(refuse.apply(ResultCode.INVALID_PARMS));
        }
        String name = Names.read(req.payload().asByteBuffer(), 0, NAME_ONLY);
        if (policy != 0 || h.storePolicy() != 0) {
            log.warn("VDI {}: refused: erasure coding and hyper volumes are not supported", Names.toUserText(name));
            return completed(refuse.apply(ResultCode.INVALID_PARMS));
        }
        if (shift < Limits.MIN_BLOCK_SIZE_SHIFT || shift > maxBlockSizeShift || copies > Limits.MAX_COPIES
                || h.vdiSize() > ((long) Inode.DATA_INDEX_COUNT << shift)) {
            log.warn("VDI {}: refused: size {}, object size 2^{}, {} copies", Names.toUserText(name), h.vdiSize(),
                    shift, copies);
            return completed(refuse.apply(ResultCode.INVALID_PARMS));
        }
        return askAgainWhenLost(name, Opcode.NEW_VDI, r -> new VdiEntity.NewVdi(h.vdiSize(), h.baseVdiId(),
                h.snapId() != 0, fCopies, 0, 0, fShift, attempt, r))
                .thenApply(resp -> resp.ok() ? resp : refuse.apply(resp.result()));
    }

    /** GET_VDI_INFO and LOCK_VDI. */
    public CompletionStage<Response> lookup(Request req, boolean lock) {
        return lookup(req, lock, newAttempt());
    }

    /** A lookup that names its {@code attempt}: asked again with the same one, a lock it took is granted again. */
    CompletionStage<Response> lookup(Request req, boolean lock, long attempt) {
        RequestHeader h = req.header();
        if (lock) {
            orphanedLocks.asking(attempt);
        }
        return withNameAndTag(req, (name, tag) -> askAgainWhenLost(name, h.opcode(), r -> new VdiEntity.Lookup(tag,
                h.snapId(), lock, h.lockType(), self, attempt, r)));
    }

    /** DEL_VDI. */
    public CompletionStage<Response> delete(Request req) {
        return delete(req, newAttempt());
    }

    /** A DEL_VDI that names its {@code attempt}: asked again with the same one, it is not done twice. */
    CompletionStage<Response> delete(Request req, long attempt) {
        return withNameAndTag(req, (name, tag) -> askAgainWhenLost(name, Opcode.DEL_VDI, r -> new VdiEntity.Delete(tag,
                req.header().snapId(), attempt, r)));
    }

    /**
     * RELEASE_VDI: always succeeds, as in sheep 1.0; unlocks when the cluster locks VDIs. It releases the lock this
     * node's table shows, so that a try asked again cannot free a lock another client took since the first.
     */
    public CompletionStage<Response> release(Request req) {
        return table.get(req.header().baseVdiId()).filter(VdiState::locked).map(this::release)
                .orElse(completed(Response.of(ResultCode.SUCCESS)));
    }

    /** Releases the lock {@code held} records, if it is still the VDI's. */
    CompletionStage<Response> release(VdiState held) {
        return askAgainWhenLost(held.name(), Opcode.RELEASE_VDI, r -> new VdiEntity.Release(held.vid(),
                held.lockOwner(), held.lockAttempt(), r));
    }

    /** GET_VDI_ATTR: the payload is a {@code sheepdog_vdi_attr}; only a read of one is asked again. */
    public CompletionStage<Response> attr(Request req) {
        if (req.payload().size() < VdiAttr.VALUE_OFFSET) {
            return completed(Response.of(ResultCode.INVALID_PARMS));
        }
        byte[] attr = new byte[VdiAttr.SIZE];
        req.payload().copyToArray(attr, 0, Math.min(VdiAttr.SIZE, req.payload().size()));
        String name = Names.read(attr, 0, Names.FIELD_LEN);
        int flags = req.header().flags();
        Function<ActorRef<VdiReply>, VdiEntity.Command> command = r -> new VdiEntity.Attr(attr,
                req.header().snapId(), flags, r);
        return Flags.has(flags, Flags.CREAT) || Flags.has(flags, Flags.DEL) ? ask(name, command)
                : askAgainWhenLost(name, Opcode.GET_VDI_ATTR, command);
    }

    /** A client's write to an inode object goes through the actor that owns it. */
    public CompletionStage<Response> writeInode(Request req, boolean create) {
        RequestHeader h = req.header();
        int vid = Oid.toVid(h.oid());
        byte[] data = req.payload().toArray();
        boolean byDog = h.protoVer() == ProtocolVersion.DOG;
        Function<ActorRef<VdiReply>, VdiEntity.Command> command = r -> new VdiEntity.WriteInode(h.oid(), h.offset(),
                data, create, byDog, r);
        return table.get(vid)
                .map(s -> create ? ask(s.name(), command) : askAgainWhenLost(s.name(), h.opcode(), command))
                .orElseGet(() -> create
                        ? objects.create(h.oid(), h.offset(), ByteString.fromArrayUnsafe(data), h.copies())
                        : objects.write(h.oid(), h.offset(), ByteString.fromArrayUnsafe(data), h.copies()));
    }

    /** DISCARD_OBJ: the index entry of the data object goes. */
    public CompletionStage<Response> discard(Request req) {
        long oid = req.header().oid();
        return table.get(Oid.toVid(oid)).map(s -> askAgainWhenLost(s.name(), Opcode.DISCARD_OBJ,
                        r -> new VdiEntity.Discard(oid, r)))
                .orElse(completed(Response.of(ResultCode.NO_VDI)));
    }

    /**
     * ALTER_VDI_COPY ({@code cluster_alter_vdi_copy}, after {@code dog vdi alter-copy} rewrote the inode): the VDI's
     * copies change on every node. Erasure coding cannot be altered; an id this node does not know changes nothing.
     * The copies an object lacks come with recovery.
     */
    public CompletionStage<Response> alterCopies(Request req) {
        RequestHeader h = req.header();
        int vid = (int) (h.w0() >>> 32);
        int copies = (int) (h.w1() & 0xff);
        if (h.clusterCopyPolicy() != 0) {
            return completed(Response.of(ResultCode.INVALID_PARMS));
        }
        return table.get(vid).map(s -> AskPattern.<VdiRegistry.Command, VdiRegistry.Done>ask(registry,
                        r -> new VdiRegistry.Put(List.of(s.withCopies(copies)), r), ASK_TIMEOUT, system.scheduler())
                        .thenApply(d -> Response.of(d.result())))
                .orElse(completed(Response.of(ResultCode.SUCCESS)));
    }

    /** READ_VDIS and READ_DEL_VDIS: the bitmaps, only in their exact size. */
    public Response bitmap(Request req, boolean deleted) {
        if (req.header().dataLength() != Limits.VDI_BITMAP_SIZE) {
            return Response.of(ResultCode.INVALID_PARMS);
        }
        byte[] bits = deleted ? table.deletedBitmap() : table.inUseBitmap();
        return Response.data(ByteString.fromArrayUnsafe(bits));
    }

    /** GET_VDI_COPIES: the state of every VDI id that fits the buffer. */
    public Response vdiStates(Request req) {
        List<VdiState> all = table.all();
        int fit = req.header().dataLength() / VdiStateEntry.SIZE;
        if (all.size() > fit) {
            return Response.of(ResultCode.BUFFER_SMALL);
        }
        ByteBuffer b = ByteBuffer.allocate(all.size() * VdiStateEntry.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        all.forEach(s -> s.toEntry().encode(b));
        return Response.data(ByteString.fromArrayUnsafe(b.array()));
    }

    /** After a format: no VDI ids are known any more. */
    public CompletionStage<Void> resetForFormat() {
        CompletionStage<VdiRegistry.Done> done = AskPattern.ask(registry, VdiRegistry.Reset::new, ASK_TIMEOUT,
                system.scheduler());
        return done.thenApply(VdiRegistry.Done::check);
    }

    private interface NameAndTag {
        CompletionStage<Response> apply(String name, String tag);
    }

    /** Payloads of 256 bytes (a name) or 512 (a name and a tag); any other length is INVALID_PARMS. */
    private static CompletionStage<Response> withNameAndTag(Request req, NameAndTag op) {
        int len = req.header().dataLength();
        if ((len != NAME_ONLY && len != NAME_AND_TAG) || req.payload().size() != len) {
            return completed(Response.of(ResultCode.INVALID_PARMS));
        }
        ByteBuffer b = req.payload().asByteBuffer();
        String tag = len == NAME_AND_TAG ? Names.read(b, NAME_ONLY, Names.FIELD_LEN) : "";
        return op.apply(Names.read(b, 0, NAME_ONLY), tag);
    }

    private static CompletionStage<Response> completed(Response r) {
        return CompletableFuture.completedFuture(r);
    }
}
