package org.sheepdogj.vdi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.state.RecoveryCompleted;
import org.apache.pekko.persistence.typed.state.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.state.javadsl.DurableStateBehavior;
import org.apache.pekko.persistence.typed.state.javadsl.SignalHandler;
import org.sheepdogj.cluster.CborSerializable;
import org.sheepdogj.protocol.Hashes;
import org.sheepdogj.protocol.Limits;
import org.sheepdogj.protocol.ResultCode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
/**
 * The cluster's table of VDI ids (a cluster singleton with durable state): it allocates ids as sheep does, so that
 * a name gets the first free id at or after the hash of the name, and tells every node's {@link VdiTableKeeper}
 * of each change before it answers, so that no node still accepts a write to a VDI that has just become a snapshot.
 */
public final class VdiRegistry extends DurableStateBehavior<VdiRegistry.Command, VdiRegistry.State> {
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

    public interface Command extends CborSerializable {
    }

    /** Takes the next free id for {@code name}, entered as {@code template} (pending); may mark another a snapshot. */
    public record Allocate(String name, VdiState template, int markSnapshot, boolean recycle,
                           ActorRef<Allocated> replyTo) implements Command {
    }

    public record Allocated(int result, int vid) implements CborSerializable {
    }

    /** Enters or replaces states. */
    public record Put(List<VdiState> states, ActorRef<Done> replyTo) implements Command {
    }

    /** Forgets every id (MAKE_FS). */
    public record Reset(ActorRef<Done> replyTo) implements Command {
    }

    /** The answer to Put and Reset: SUCCESS once durable, or why the registry's state could not be written. */
    public record Done(int result) implements CborSerializable {
        /** Throws unless the change is made. */
        Void check() {
            if (result != ResultCode.SUCCESS) {
                throw new InodeStore.VdiException(result);
            }
            return null;
        }
    }

    private record KeepersChanged(Set<ActorRef<VdiTableKeeper.Command>> keepers) implements Command {
    }

    public record State(TreeMap<Integer, VdiState> vids) implements CborSerializable {
        public State {
            vids = vids == null ? new TreeMap<>() : vids;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(VdiRegistry.class);

    private final ActorContext<Command> ctx;
    private final Scheduler scheduler;
    private final Set<ActorRef<VdiTableKeeper.Command>> keepers = new HashSet<>();
    private final Unanswered unanswered;

    private VdiRegistry(ActorContext<Command> ctx, Unanswered unanswered) {
        super(PersistenceId.ofUniqueId("sheepdog-vdi-registry"), Unanswered.RESTART_AFTER_FAILED_WRITE);
        this.ctx = ctx;
        this.unanswered = unanswered;
        this.scheduler = ctx.getSystem().scheduler();
        ActorRef<Receptionist.Listing> adapter = ctx.messageAdapter(Receptionist.Listing.class,
                l -> new KeepersChanged(l.getAllServiceInstances(VdiTableKeeper.KEY)));
        ctx.getSystem().receptionist().tell(Receptionist.subscribe(VdiTableKeeper.KEY, adapter));
    }

    public static Behavior<Command> create() {
        Unanswered unanswered = new Unanswered();
        return Behaviors.setup(ctx -> new VdiRegistry(ctx, unanswered));
    }

    @Override
    public State emptyState() {
        return new State(new TreeMap<>());
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), s -> {
            unanswered.answerFailure(ctx.getSystem(), persistenceId().id(), log, "VDI registry");
            log.info("VDI registry: {} VDI id(s) known", s.vids().size());
            publishAll(keepers, s);
        }).build();
    }

    @Override
    public CommandHandler<Command, State> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                // Until the first keepers are known (the receptionist lists them a moment after a start), a change
                // would reach no node's table, not even the asker's, which then misses the id it was just given.
                .onCommand(c -> keepers.isEmpty() && !(c instanceof KeepersChanged), (s, c) -> Effect().stash())
                .onCommand(Allocate.class, this::onAllocate)
                .onCommand(Put.class, (s, c) -> {
                    TreeMap<Integer, VdiState> m = new TreeMap<>(s.vids());
                    c.states().forEach(v -> m.put(v.vid(), v));
                    return persistAndPublish(new State(m), c.states(),
                            result -> c.replyTo().tell(new Done(result)));
                })
                .onCommand(Reset.class, (s, c) -> {
                    log.info("VDI registry: cleared by format");
                    State empty = emptyState();
                    unanswered.owe(result -> c.replyTo().tell(new Done(result)));
                    return Effect().persist(empty).thenRun(ns -> {
                        unanswered.paid();
                        publishAll(keepers, empty).thenRun(() -> c.replyTo().tell(new Done(ResultCode.SUCCESS)));
                    });
                })
                .onCommand(KeepersChanged.class, (s, c) -> {
                    Set<ActorRef<VdiTableKeeper.Command>> fresh = new HashSet<>(c.keepers());
                    fresh.removeAll(keepers);
                    keepers.clear();
                    keepers.addAll(c.keepers());
                    publishAll(fresh, s);
                    return Effect().none().thenUnstashAll();
                })
                .build();
    }

    private org.apache.pekko.persistence.typed.state.javadsl.Effect<State> onAllocate(State s, Allocate c) {
        int vid = c.recycle() ? firstFree(s, 1) : firstFree(s, Math.max(1, Hashes.vdiIdOf(c.name())));
        if (vid < 0) {
            c.replyTo().tell(new Allocated(ResultCode.FULL_VDI, 0));
            return Effect().none();
        }
        TreeMap<Integer, VdiState> m = new TreeMap<>(s.vids());
        List<VdiState> changed = new ArrayList<>();
        VdiState entry = c.template().withVid(vid).withPending(true);
        m.put(vid, entry);
        changed.add(entry);
        VdiState old = m.get(c.markSnapshot());
        if (c.markSnapshot() != 0 && old != null && !old.snapshot()) {
            VdiState snap = old.withSnapshot(true);
            m.put(snap.vid(), snap);
            changed.add(snap);
        }
        return persistAndPublish(new State(m), changed,
                result -> c.replyTo().tell(new Allocated(result, result == ResultCode.SUCCESS ? vid : 0)));
    }

    /** The first id at or after {@code start} not in use, wrapping once to 1 ({@code get_vdi_bitmap_range}). */
    private static int firstFree(State s, int start) {
        for (int v = start; v < Limits.NR_VDIS; v++) {
            if (!s.vids().containsKey(v)) {
                return v;
            }
        }
        for (int v = 1; v < start; v++) {
            if (!s.vids().containsKey(v)) {
                return v;
            }
        }
        return -1;
    }

    /** Writes the state, then tells every node of the change, then answers SUCCESS; or answers why it failed. */
    private org.apache.pekko.persistence.typed.state.javadsl.Effect<State> persistAndPublish(
            State next, List<VdiState> changed, IntConsumer reply) {
        unanswered.owe(reply);
        return Effect().persist(next).thenRun(ns -> {
            unanswered.paid();
            publish(keepers, r -> new VdiTableKeeper.Upsert(changed, r)).thenRun(() -> reply.accept(ResultCode.SUCCESS));
        });
    }

    private CompletableFuture<Void> publishAll(Set<ActorRef<VdiTableKeeper.Command>> to, State s) {
        List<VdiState> all = new ArrayList<>(s.vids().values());
        return publish(to, r -> new VdiTableKeeper.ReplaceAll(all, r));
    }

    private CompletableFuture<Void> publish(Set<ActorRef<VdiTableKeeper.Command>> to,
                                            java.util.function.Function<ActorRef<VdiTableKeeper.Ack>,
                                                    VdiTableKeeper.Command> message) {
        List<CompletableFuture<VdiTableKeeper.Ack>> acks = new ArrayList<>();
        for (ActorRef<VdiTableKeeper.Command> k : to) {
            acks.add(AskPattern.ask(k, message::apply, PUBLISH_TIMEOUT, scheduler)
                    .toCompletableFuture());
        }
        return CompletableFuture.allOf(acks.toArray(new CompletableFuture[0])).handle((v, e) -> {
            if (e != null) {
                log.warn("VDI registry: a node did not confirm a change: {}", e.toString());
            }
            return null;
        });
    }
}
