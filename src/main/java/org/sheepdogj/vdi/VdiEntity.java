package org.sheepdogj.vdi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.state.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.state.javadsl.DurableStateBehavior;
import org.apache.pekko.persistence.typed.state.RecoveryCompleted;
import org.apache.pekko.persistence.typed.state.javadsl.Effect;
import org.apache.pekko.persistence.typed.state.javadsl.SignalHandler;
import org.apache.pekko.util.ByteString;
import org.sheepdogj.cluster.CborSerializable;
import org.sheepdogj.protocol.ClusterFlags;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Hashes;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Names;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.VdiAttr;
import org.sheepdogj.protocol.VdiStateEntry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
/**
 * One actor per VDI name, hosted by Cluster Sharding: it owns the name's inodes (the working VDI and its snapshots)
 * and runs every operation on them one at a time: create, snapshot, clone, delete, lookup, lock, attributes, and the
 * writes clients make to inode objects (which move references between objects). Its list of VDI ids is durable
 * state, stored through the replicated object store like any object.
 */
public final class VdiEntity extends DurableStateBehavior<VdiEntity.Command, Family> {
    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "sheepdog-vdi");
    private static final Duration REGISTRY_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The attempt of a request from a node of an earlier version, which names none (nor the lock a release frees):
     * none of its requests is taken for a try asked again.
     */
    private static final long NO_ATTEMPT = 0;

    public interface Command extends CborSerializable {
    }

    /** A command a client waits on. */
    public interface Operation extends Command {
        ActorRef<VdiReply> replyTo();
    }

    /** GET_VDI_INFO and LOCK_VDI; {@code attempt} is the same each time one request is asked again. */
    public record Lookup(String tag, int snapId, boolean lock, int lockType, NodeId requester, long attempt,
                         ActorRef<VdiReply> replyTo) implements Operation {
    }

    /**
     * NEW_VDI: a new VDI, a clone of {@code baseVid}, or ({@code snapshot}) a snapshot of the working VDI; done once
     * per {@code attempt}.
     */
    public record NewVdi(long size, int baseVid, boolean snapshot, int copies, int copyPolicy, int storePolicy,
                         int blockSizeShift, long attempt, ActorRef<VdiReply> replyTo) implements Operation {
    }

    /** DEL_VDI, done once per {@code attempt}. */
    public record Delete(String tag, int snapId, long attempt, ActorRef<VdiReply> replyTo) implements Operation {
    }

    /**
     * RELEASE_VDI of the lock the gateway saw: taken by {@code holder} with the LOCK_VDI request {@code holderAttempt},
     * so that a release asked again never frees a lock taken since. Without a holder (from a node of an earlier
     * version) it frees whatever lock the VDI has, as sheep does.
     */
    public record Release(int vid, NodeId holder, long holderAttempt, ActorRef<VdiReply> replyTo)
            implements Operation {
    }

    /** GET_VDI_ATTR with the request's CREAT/EXCL/DEL flags. */
    public record Attr(byte[] attr, int snapId, int flags, ActorRef<VdiReply> replyTo) implements Operation {
    }

    /**
     * A client's WRITE_OBJ or CREATE_AND_WRITE_OBJ to one of this name's inode objects; {@code byDog}: sent with dog's
     * protocol version, not QEMU's.
     */
    public record WriteInode(long oid, long offset, byte[] data, boolean create, boolean byDog,
                             ActorRef<VdiReply> replyTo) implements Operation {
    }

    /** DISCARD_OBJ: the data object's index entry goes. */
    public record Discard(long oid, ActorRef<VdiReply> replyTo) implements Operation {
    }

    private record Finished(Family next, VdiReply reply, ActorRef<VdiReply> replyTo) implements Command {
    }

    private static final Logger log = LoggerFactory.getLogger(VdiEntity.class);

    private final ActorContext<Command> ctx;
    private final Scheduler scheduler;
    private final VdiContext vc;
    private final String name;
    private final InodeStore inodes;
    private final Unanswered unanswered;
    private boolean busy;

    private VdiEntity(ActorContext<Command> ctx, VdiContext vc, String entityId, Unanswered unanswered) {
        super(PersistenceId.of(TYPE_KEY.name(), entityId), Unanswered.RESTART_AFTER_FAILED_WRITE);
        this.ctx = ctx;
        this.unanswered = unanswered;
        this.scheduler = ctx.getSystem().scheduler();
        this.vc = vc;
        this.name = nameOf(entityId);
        this.inodes = new InodeStore(vc.objects());
    }

    public static Behavior<Command> create(VdiContext vc, String entityId) {
        Unanswered unanswered = new Unanswered();
        return Behaviors.setup(ctx -> new VdiEntity(ctx, vc, entityId, unanswered));
    }

    /** Entities of one format are kept apart from those of an earlier one by the format's time. */
    public static String entityId(long formatCtime, String name) {
        return Long.toHexString(formatCtime) + "/" + name;
    }

    static String nameOf(String entityId) {
        return entityId.substring(entityId.indexOf('/') + 1);
    }

    @Override
    public Family emptyState() {
        return new Family(name, List.of(), List.of());
    }

    @Override
    public SignalHandler<Family> signalHandler() {
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), f -> unanswered.answerFailure(
                ctx.getSystem(), persistenceId().id(), log, "VDI " + Names.toUserText(name))).build();
    }

    @Override
    public CommandHandler<Command, Family> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Finished.class, this::onFinished)
                .onCommand(Lookup.class, (f, c) -> run(c, () -> lookup(f, c)))
                .onCommand(NewVdi.class, (f, c) -> run(c, () -> once(f, c.attempt(), c.replyTo(),
                        () -> c.snapshot() ? snapshot(f, c) : create(f, c))))
                .onCommand(Delete.class, (f, c) -> run(c, () -> once(f, c.attempt(), c.replyTo(), () -> delete(f, c))))
                .onCommand(Release.class, (f, c) -> run(c, () -> release(c)))
                .onCommand(Attr.class, (f, c) -> run(c, () -> attr(f, c)))
                .onCommand(WriteInode.class, (f, c) -> run(c, () -> writeInode(f, c)))
                .onCommand(Discard.class, (f, c) -> run(c, () -> discard(f, c)))
                .build();
    }

    /** Starts an operation unless one is running (then it waits its turn). */
    private Effect<Family> run(Operation c, Supplier<CompletionStage<Finished>> operation) {
        if (busy) {
            return Effect().stash();
        }
        busy = true;
        CompletionStage<Finished> work;
        try {
            work = operation.get();
        } catch (RuntimeException e) {
            work = CompletableFuture.failedFuture(e);
        }
        ActorRef<VdiReply> replyTo = c.replyTo();
        ctx.pipeToSelf(work, (done, err) -> {
            if (err == null) {
                return done;
            }
            int result = InodeStore.VdiException.resultOf(err);
            if (result == ResultCode.EIO) {
                log.error("VDI {}: {} failed", Names.toUserText(name), c.getClass().getSimpleName(), err);
            }
            return new Finished(null, VdiReply.of(result), replyTo);
        });
        return Effect().none();
    }

    /**
     * An operation that changes the family is done once per attempt: its answer is kept with the change, and the same
     * attempt asked again (its answer lost with a dying node) gets that answer.
     */
    private CompletionStage<Finished> once(Family f, long attempt, ActorRef<VdiReply> replyTo,
                                           Supplier<CompletionStage<Finished>> operation) {
        if (attempt == NO_ATTEMPT) {
            return operation.get();
        }
        Optional<VdiReply> earlier = f.answerTo(attempt);
        if (earlier.isPresent()) {
            log.info("VDI {}: a request done before was asked again; it gets the same answer ({}, VDI id {})",
                    Names.toUserText(name), ResultCode.name(earlier.get().result()), hex(earlier.get().vid()));
            return finished(earlier.get(), replyTo);
        }
        return operation.get().thenApply(done -> done.next() == null ? done
                : new Finished(done.next().answered(attempt, done.reply()), done.reply(), done.replyTo()));
    }

    private Effect<Family> onFinished(Family f, Finished done) {
        busy = false;
        if (done.next() != null && !done.next().equals(f)) {
            unanswered.owe(result -> done.replyTo().tell(VdiReply.of(result)));
            return Effect().persist(done.next()).thenRun(s -> {
                unanswered.paid();
                done.replyTo().tell(done.reply());
            }).thenUnstashAll();
        }
        done.replyTo().tell(done.reply());
        return Effect().unstashAll();
    }

    // ---------------------------------------------------------------------------------------------------------
    // lookups and locks

    private CompletionStage<Finished> lookup(Family f, Lookup l) {
        Family.Lookup lk = f.lookup(l.tag(), l.snapId());
        if (lk.result() != ResultCode.SUCCESS) {
            return finished(VdiReply.of(lk.result()), l.replyTo());
        }
        VdiState s = vc.table().get(lk.vid()).orElse(null);
        int copies = s == null ? 0 : s.copies();
        int shift = s == null ? 0 : s.blockSizeShift();
        VdiReply ok = new VdiReply(ResultCode.SUCCESS, lk.vid(), 0, copies, shift);
        if (!l.lock() || !locking() || s == null) {
            return finished(ok, l.replyTo());
        }
        if (s.locked()) {
            boolean askedAgain = l.attempt() != NO_ATTEMPT && l.attempt() == s.lockAttempt()
                    && l.requester().equals(s.lockOwner());
            return finished(askedAgain ? ok : VdiReply.of(ResultCode.VDI_LOCKED), l.replyTo());
        }
        int state = l.lockType() == 1 ? VdiStateEntry.SHARED : VdiStateEntry.LOCKED;
        log.info("VDI {}: {} locked by node {}", Names.toUserText(name), hex(lk.vid()), l.requester());
        return registryPut(List.of(s.withLock(state, l.requester(), l.attempt())))
                .thenApply(v -> new Finished(null, ok, l.replyTo()));
    }

    private CompletionStage<Finished> release(Release r) {
        VdiState s = vc.table().get(r.vid()).orElse(null);
        if (locking() && s != null && s.locked()) {
            boolean sameLock = r.holder() == null
                    || r.holder().equals(s.lockOwner()) && r.holderAttempt() == s.lockAttempt();
            if (!sameLock) {
                log.info("VDI {}: {} stays locked by node {}: locked again since the release was asked",
                        Names.toUserText(name), hex(r.vid()), s.lockOwner());
                return finished(VdiReply.of(ResultCode.SUCCESS), r.replyTo());
            }
            log.info("VDI {}: {} unlocked", Names.toUserText(name), hex(r.vid()));
            return registryPut(List.of(s.withLock(VdiStateEntry.UNLOCKED, null, 0)))
                    .thenApply(v -> new Finished(null, VdiReply.of(ResultCode.SUCCESS), r.replyTo()));
        }
        return finished(VdiReply.of(ResultCode.SUCCESS), r.replyTo());
    }

    private boolean locking() {
        return (vc.cluster().current().config().flags() & ClusterFlags.USE_LOCK) != 0;
    }

    // ---------------------------------------------------------------------------------------------------------
    // NEW_VDI

    /** A new working VDI: fresh, or a clone of a snapshot ({@code vdi_create}). */
    private CompletionStage<Finished> create(Family f, NewVdi n) {
        Family.Lookup lk = f.lookup("", 0);
        if (lk.result() == ResultCode.SUCCESS) {
            return finished(VdiReply.of(ResultCode.VDI_EXIST), n.replyTo());
        }
        if (lk.result() != ResultCode.NO_VDI) {
            return finished(VdiReply.of(lk.result()), n.replyTo());
        }
        int snapId = lk.nextSnapId() == 0 ? 1 : lk.nextSnapId();
        int previous = n.baseVid() == 0 ? lk.vid() : n.baseVid();
        long now = Inode.timestampNow();
        return allocate(n, previous).thenCompose(vid -> {
            CompletionStage<Void> written = n.baseVid() == 0
                    ? inodes.create(vid, newHeader(n, vid, snapId, now, 0).toBytes())
                    : descend(n, vid, snapId, now, n.baseVid(), 0, false);
            return written.thenCompose(v -> confirm(vid)).thenApply(v -> {
                log.info("VDI {}: created {} ({} bytes{})", Names.toUserText(name), hex(vid), n.size(),
                        n.baseVid() == 0 ? "" : ", clone of " + hex(n.baseVid()));
                Family next = f.with(new Family.Member(vid, snapId, "", false, false, now));
                return new Finished(next, created(vid, n), n.replyTo());
            }).exceptionallyCompose(e -> abandon(vid, e));
        });
    }

    /**
     * A snapshot ({@code vdi_snapshot}): the working VDI becomes the snapshot and a new working VDI takes its
     * place. If the request's base is an older snapshot, the new working VDI descends from it instead (rollback).
     */
    private CompletionStage<Finished> snapshot(Family f, NewVdi n) {
        Family.Lookup lk = f.lookup("", 0);
        if (lk.result() != ResultCode.SUCCESS) {
            return finished(VdiReply.of(lk.result()), n.replyTo());
        }
        int current = lk.vid();
        int snapId = lk.nextSnapId();
        long now = Inode.timestampNow();
        return allocate(n, current).thenCompose(vid -> {
            CompletionStage<Void> written = n.baseVid() == current
                    ? descend(n, vid, snapId, now, current, now, true)
                    : inodes.write(current, Inode.SNAP_CTIME_OFFSET, le64(now))
                    .thenCompose(v -> descend(n, vid, snapId, now, n.baseVid(), 0, false));
            return written.thenCompose(v -> inodes.readHeader(current)).thenCompose(curHeader -> {
                Family next = f.with(f.member(current).withTag(curHeader.tag(), true))
                        .with(new Family.Member(vid, snapId, "", false, false, now));
                return confirm(vid).thenApply(v -> {
                    log.info("VDI {}: snapshot {} (id {}, tag '{}'), working VDI now {}",
                            Names.toUserText(name), hex(current), f.member(current).snapId(),
                            Names.toUserText(curHeader.tag()), hex(vid));
                    return new Finished(next, created(vid, n), n.replyTo());
                });
            }).exceptionallyCompose(e -> abandon(vid, e));
        });
    }

    private VdiReply created(int vid, NewVdi n) {
        return new VdiReply(ResultCode.SUCCESS, vid, 0, n.copies(), n.blockSizeShift());
    }

    private CompletionStage<Integer> allocate(NewVdi n, int markSnapshot) {
        VdiState template = new VdiState(0, name, false, false, true, n.copies(), n.copyPolicy(),
                n.blockSizeShift(), n.baseVid(), VdiStateEntry.UNLOCKED, null, 0);
        boolean recycle = (vc.cluster().current().config().flags() & ClusterFlags.RECYCLE_VID) != 0;
        CompletionStage<VdiRegistry.Allocated> a = AskPattern.ask(vc.registry(),
                r -> new VdiRegistry.Allocate(name, template, markSnapshot, recycle, r), REGISTRY_TIMEOUT,
                scheduler);
        return a.thenApply(res -> {
            if (res.result() != ResultCode.SUCCESS) {
                throw new InodeStore.VdiException(res.result());
            }
            return res.vid();
        });
    }

    private CompletionStage<Void> confirm(int vid) {
        VdiState s = vc.table().get(vid).orElseThrow();
        return registryPut(List.of(s.withPending(false)));
    }

    /** A creation that failed after its id was taken: the id stays used (as sheep's bit does) but shows deleted. */
    private CompletionStage<Finished> abandon(int vid, Throwable e) {
        vc.table().get(vid).ifPresent(s -> registryPut(List.of(s.withPending(false).withDeleted(true))));
        return CompletableFuture.failedFuture(e);
    }

    private Inode.Header newHeader(NewVdi n, int vid, int snapId, long now, int parent) {
        return new Inode.Header(name, "", now, 0, 0, n.size(), 0, n.copyPolicy(), n.storePolicy(), n.copies(),
                n.blockSizeShift(), snapId, vid, parent, 0);
    }

    /**
     * Writes a new inode that shares the objects of {@code baseVid} ({@code clone_vdi}, {@code snapshot_vdi},
     * {@code rebase_vdi}): each shared entry counts one more reference in the base and starts a new generation in
     * the child. With {@code baseSnapCtime} the base also becomes a snapshot in the same write.
     */
    private CompletionStage<Void> descend(NewVdi n, int vid, int snapId, long now, int baseVid, long baseSnapCtime,
                                          boolean baseBecomesSnapshot) {
        return inodes.readAll(baseVid).exceptionallyCompose(e -> CompletableFuture.failedFuture(
                new InodeStore.VdiException(ResultCode.BASE_VDI_READ))).thenCompose(base -> {
            ByteBuffer b = ByteBuffer.wrap(base).order(ByteOrder.LITTLE_ENDIAN);
            byte[] child = new byte[Inode.SIZE];
            ByteBuffer c = ByteBuffer.wrap(child).order(ByteOrder.LITTLE_ENDIAN);
            newHeader(n, vid, snapId, now, baseVid).encodeInto(c);
            List<int[]> runs = new ArrayList<>();
            int runStart = -1;
            for (int i = 0; i < Inode.DATA_INDEX_COUNT; i++) {
                int entry = b.getInt(Inode.indexOffset(i));
                if (entry != 0) {
                    c.putInt(Inode.indexOffset(i), entry);
                    int g = Inode.grefOffset(i);
                    c.putInt(g, b.getInt(g) + 1);
                    b.putInt(g + 4, b.getInt(g + 4) + 1);
                    if (runStart < 0) {
                        runStart = i;
                    }
                } else if (runStart >= 0) {
                    runs.add(new int[] {runStart, i});
                    runStart = -1;
                }
            }
            if (runStart >= 0) {
                runs.add(new int[] {runStart, Inode.DATA_INDEX_COUNT});
            }
            CompletionStage<Void> baseWrites = baseBecomesSnapshot
                    ? inodes.write(baseVid, Inode.SNAP_CTIME_OFFSET, le64(baseSnapCtime)) : InodeStore.done();
            for (int[] run : runs) {
                int from = Inode.grefOffset(run[0]);
                int to = Inode.grefOffset(run[1]);
                byte[] grefs = new byte[to - from];
                System.arraycopy(base, from, grefs, 0, grefs.length);
                baseWrites = baseWrites.thenCompose(v -> inodes.write(baseVid, from, grefs));
            }
            return baseWrites.exceptionallyCompose(e -> CompletableFuture.failedFuture(
                    new InodeStore.VdiException(ResultCode.BASE_VDI_WRITE)))
                    .thenCompose(v -> inodes.create(vid, child));
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // DEL_VDI

    /**
     * Deletes one VDI id of the name ({@code vdi_delete}). Unlike sheep 1.0, which leaves an inode that still
     * references objects in place, the deletion is authoritative: every reference of its index is dropped (objects
     * other VDIs share stay), then the inode is wiped as sheep wipes it.
     */
    private CompletionStage<Finished> delete(Family f, Delete d) {
        Family.Lookup lk = f.lookup(d.tag(), d.snapId());
        if (lk.result() != ResultCode.SUCCESS) {
            return finished(VdiReply.of(lk.result()), d.replyTo());
        }
        int vid = lk.vid();
        return inodes.readAll(vid).thenCompose(inode -> {
            Inode.Header h = Inode.Header.decode(inode);
            List<IndexChange.Drop> drops = IndexChange.all(inode);
            drops.forEach(vc.reclaimer()::decref);
            byte[] wiped = h.withVdiSize(0).toBytes();
            java.util.Arrays.fill(wiped, Inode.NAME_OFFSET, Inode.NAME_OFFSET + Names.FIELD_LEN, (byte) 0);
            System.arraycopy(inode, Inode.LOOKUP_READ_SIZE + 4, wiped, Inode.LOOKUP_READ_SIZE + 4,
                    Inode.HEADER_SIZE - Inode.LOOKUP_READ_SIZE - 4);
            int references = drops.size();
            return inodes.create(vid, wiped).thenCompose(v -> {
                VdiState s = vc.table().get(vid).orElseThrow();
                return registryPut(List.of(s.withDeleted(true)));
            }).thenApply(v -> {
                log.info("VDI {}: deleted {} (snapshot id {}), {} object reference(s) dropped",
                        Names.toUserText(name), hex(vid), h.snapId(), references);
                return new Finished(f.with(f.member(vid).asDeleted()),
                        new VdiReply(ResultCode.SUCCESS, vid, 0, 0, 0), d.replyTo());
            });
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // GET_VDI_ATTR

    /**
     * Attributes live in their own objects, addressed by the hash of the name (so they survive snapshots) and the
     * hash of the attribute's key fields, probing forward on collision ({@code get_vdi_attr}).
     */
    private CompletionStage<Finished> attr(Family f, Attr a) {
        ByteBuffer in = ByteBuffer.wrap(a.attr()).order(ByteOrder.LITTLE_ENDIAN);
        Family.Lookup lk = f.lookup(Names.read(in, 256, 256), a.snapId());
        if (lk.result() != ResultCode.SUCCESS) {
            return finished(VdiReply.of(lk.result()), a.replyTo());
        }
        in.putLong(512, lk.member().createTime());
        int hashVid = Hashes.vdiIdOf(name);
        int copies = vc.table().copiesOf(Oid.vidToAttrOid(hashVid, 0));
        boolean wr = Flags.has(a.flags(), Flags.CREAT);
        boolean excl = Flags.has(a.flags(), Flags.EXCL);
        boolean del = Flags.has(a.flags(), Flags.DEL);
        int start = VdiAttr.attrIdOf(in);
        return probeAttr(in, hashVid, start, start, wr, excl, del).thenApply(r -> new Finished(null,
                new VdiReply(r[0], hashVid, r[1], copies, 0), a.replyTo()));
    }

    private CompletionStage<int[]> probeAttr(ByteBuffer attr, int hashVid, int attrId, int start, boolean wr,
                                             boolean excl, boolean del) {
        long oid = Oid.vidToAttrOid(hashVid, attrId);
        ByteString payload = ByteString.fromArray(attr.array());
        CompletionStage<Response> probe = (excl || !wr) ? vc.objects().read(oid, 0, VdiAttr.SIZE, 0)
                : CompletableFuture.completedFuture(Response.of(ResultCode.NO_OBJ));
        return probe.thenCompose(r -> {
            if (r.result() == ResultCode.NO_OBJ && wr) {
                return vc.objects().create(oid, 0, payload, 0)
                        .thenApply(c -> new int[] {c.ok() ? ResultCode.SUCCESS : ResultCode.EIO, attrId});
            }
            if (!r.ok()) {
                return CompletableFuture.completedFuture(new int[] {r.result(), attrId});
            }
            if (sameAttr(r.payload().asByteBuffer(), attr)) {
                if (excl) {
                    return CompletableFuture.completedFuture(new int[] {ResultCode.VDI_EXIST, attrId});
                }
                CompletionStage<Response> change = del
                        ? vc.objects().write(oid, 0, ByteString.fromArray(new byte[1]), 0)
                        : wr ? vc.objects().write(oid, 0, payload, 0)
                        : CompletableFuture.completedFuture(Response.of(ResultCode.SUCCESS));
                return change.thenApply(c -> new int[] {c.ok() ? ResultCode.SUCCESS : ResultCode.EIO, attrId});
            }
            int next = attrId + 1;
            if (next == start - 1) {
                return CompletableFuture.completedFuture(new int[] {ResultCode.FULL_VDI, next});
            }
            return probeAttr(attr, hashVid, next, start, wr, excl, del);
        });
    }

    private static boolean sameAttr(ByteBuffer stored, ByteBuffer wanted) {
        ByteBuffer s = stored.order(ByteOrder.LITTLE_ENDIAN);
        return Names.read(s, 0, 256).equals(Names.read(wanted, 0, 256))
                && Names.read(s, 256, 256).equals(Names.read(wanted, 256, 256))
                && s.getInt(520) == wanted.getInt(520)
                && Names.read(s, 528, 256).equals(Names.read(wanted, 528, 256));
    }

    // ---------------------------------------------------------------------------------------------------------
    // writes to inode objects

    /**
     * A client's write to an inode ({@code gateway_write_obj}). A write into the index moves references: the
     * entries it replaces lose one (their objects may go), and their generation counts start again from zero.
     *
     * <p>A snapshot's index is read-only (READONLY; sheep 1.0 takes such writes), but for dog zeroing its entries as it
     * does before it deletes a snapshot: the index write of a client that created an object, or discarded one, just
     * before another client took a snapshot belongs to the new working VDI, where the client then sends it (QEMU's
     * driver and {@code VdiHandle} go on with the new working VDI on READONLY). Taken by the snapshot, a new object
     * would be missing from the working VDI although its write was acknowledged, and a discard would take data from
     * the snapshot.
     */
    private CompletionStage<Finished> writeInode(Family f, WriteInode w) {
        long oid = w.oid();
        long offset = w.offset();
        byte[] data = w.data();
        ActorRef<VdiReply> replyTo = w.replyTo();
        int vid = Oid.toVid(oid);
        ByteString payload = ByteString.fromArrayUnsafe(data);
        if (w.create()) {
            return check(vc.objects().create(oid, offset, payload, 0)).thenCompose(v -> refreshed(f, vid))
                    .thenApply(next -> new Finished(next, VdiReply.of(ResultCode.SUCCESS), replyTo));
        }
        long end = offset + data.length;
        boolean indexUpdate = offset >= Inode.HEADER_SIZE && end <= Inode.GREF_OFFSET;
        if (!indexUpdate) {
            CompletionStage<Void> written = check(vc.objects().write(oid, offset, payload, 0));
            CompletionStage<Family> next = offset < Inode.LOOKUP_READ_SIZE
                    ? written.thenCompose(v -> refreshed(f, vid)) : written.thenApply(v -> null);
            return next.thenApply(n -> new Finished(n, VdiReply.of(ResultCode.SUCCESS), replyTo));
        }
        int start = (int) ((offset - Inode.HEADER_SIZE) / 4);
        int count = data.length / 4;
        CompletionStage<byte[]> oldVids = inodes.read(vid, offset, data.length);
        CompletionStage<byte[]> oldRefs = inodes.read(vid, Inode.grefOffset(start), count * 8);
        Family.Member member = f.member(vid);
        boolean snapshot = member != null && member.snapshot();
        return oldVids.thenCombine(oldRefs, (vids, refs) -> new byte[][] {vids, refs}).thenCompose(old -> {
            if (snapshot && (!w.byDog() || IndexChange.gainsObject(old[0], data))) {
                return finished(VdiReply.of(ResultCode.READONLY), replyTo);
            }
            return check(vc.objects().write(oid, offset, payload, 0))
                    .thenCompose(v -> inodes.write(vid, Inode.grefOffset(start), new byte[count * 8]))
                    .thenCompose(v -> dropReferences(vid, IndexChange.dropped(start, old[0], old[1], data)))
                    .thenApply(v -> new Finished(null, VdiReply.of(ResultCode.SUCCESS), replyTo));
        });
    }

    /**
     * The references an index write gave up. An object of the VDI's own id, which a discard left unreferenced, goes
     * before the write is answered: the client may create it again at once, under the same id, and a removal still
     * to come would then take the new object (with writes already acknowledged in it). Objects of other ids (the
     * snapshot a copy on write came from) are never created again, and go in the background.
     */
    private CompletionStage<Void> dropReferences(int vid, List<IndexChange.Drop> drops) {
        List<IndexChange.Drop> own = new ArrayList<>();
        for (IndexChange.Drop d : drops) {
            if (Oid.toVid(d.dataOid()) == vid) {
                own.add(d);
            } else {
                vc.reclaimer().decref(d);
            }
        }
        return vc.reclaimer().decrefNow(own);
    }

    /** DISCARD_OBJ (QEMU 1.5 to 2.4): the index entry is zeroed as a client's index write would do it. */
    private CompletionStage<Finished> discard(Family f, Discard d) {
        int vid = Oid.toVid(d.oid());
        long idx = Oid.dataIndex(d.oid());
        if (idx >= Inode.DATA_INDEX_COUNT) {
            return finished(VdiReply.of(ResultCode.INVALID_PARMS), d.replyTo());
        }
        return inodes.read(vid, Inode.indexOffset(idx), 4).thenCompose(entry -> {
            if (ByteBuffer.wrap(entry).getInt() == 0) {
                return finished(VdiReply.of(ResultCode.SUCCESS), d.replyTo());
            }
            return writeInode(f, new WriteInode(Oid.vidToVdiOid(vid), Inode.indexOffset(idx), new byte[4], false,
                    false, d.replyTo()));
        });
    }

    /** After a client rewrote an inode header, the member's tag and snapshot flag follow the inode. */
    private CompletionStage<Family> refreshed(Family f, int vid) {
        Family.Member m = f.member(vid);
        if (m == null) {
            return CompletableFuture.completedFuture(null);
        }
        return inodes.readHeader(vid).thenApply(h -> f.with(m.withTag(h.tag(), h.isSnapshot())));
    }

    // ---------------------------------------------------------------------------------------------------------

    private CompletionStage<Void> registryPut(List<VdiState> states) {
        CompletionStage<VdiRegistry.Done> put = AskPattern.ask(vc.registry(),
                r -> new VdiRegistry.Put(states, r), REGISTRY_TIMEOUT, scheduler);
        return put.thenApply(VdiRegistry.Done::check);
    }

    private static CompletionStage<Void> check(CompletionStage<Response> r) {
        return r.thenAccept(resp -> {
            if (!resp.ok()) {
                throw new InodeStore.VdiException(resp.result());
            }
        });
    }

    private static CompletionStage<Finished> finished(VdiReply reply, ActorRef<VdiReply> replyTo) {
        return CompletableFuture.completedFuture(new Finished(null, reply, replyTo));
    }

    private static byte[] le64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v).array();
    }

    private static String hex(int vid) {
        return Integer.toHexString(vid);
    }
}
