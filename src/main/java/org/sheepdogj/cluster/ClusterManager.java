package org.sheepdogj.cluster;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.sheepdogj.protocol.ClusterInfo;
import org.sheepdogj.protocol.SdNode;
import org.sheepdogj.store.ClusterConfig;
import org.sheepdogj.store.NodeStore;

/**
 * One per node: applies what the {@link ClusterCoordinator} decides (format, epochs, status) to this node's disk
 * (config and epoch logs) and publishes the resulting {@link ClusterView}. It registers with the receptionist so the
 * coordinator finds every member.
 */
public final class ClusterManager extends AbstractBehavior<ClusterManager.Command> {
    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "sheepdog-cluster-manager");

    public sealed interface Command extends CborSerializable {
    }

    /** Asks for what this node knows from its disk: format, latest epoch and its members. */
    public record GetLocalState(ActorRef<LocalState> replyTo) implements Command {
    }

    public record LocalState(ActorRef<Command> manager, SdNode self, ClusterConfig config, int latestEpoch,
                             List<SdNode> latestNodes, long latestTime, int gatheredEpoch, int status)
            implements CborSerializable {
    }

    /**
     * The cluster's state as decided by the coordinator. With {@code format} the node first wipes its objects and
     * epoch history. An epoch above 0 is logged to disk if this node has not logged it yet.
     */
    public record Apply(ClusterConfig config, int epoch, long time, List<SdNode> nodes, int status,
                        boolean recoveryDisabled, int gatheredEpoch, boolean format, ActorRef<Applied> replyTo)
            implements Command {
    }

    public record Applied(SdNode node, int epoch, String error) implements CborSerializable {
    }

    /** Asks for the epoch logs a node has up to {@code upTo} (a node that joined late lacks the older ones). */
    public record GetEpochLogs(int upTo, ActorRef<EpochLogs> replyTo) implements Command {
    }

    public record EpochLogs(List<NodeStore.EpochRecord> records) implements CborSerializable {
    }

    private record Persisted(Apply apply, boolean historyMissing, Throwable failure) implements Command {
    }

    private record OtherManagers(Set<ActorRef<Command>> managers, int upTo) implements Command {
    }

    private record History(EpochLogs logs) implements Command {
    }

    /** What a node does beyond its cluster view when the cluster changes. They run on the I/O executor. */
    public interface Hooks {
        /**
         * The objects must go (a format, or a cluster of another format): run within the change of epoch, so that no
         * object request or recovery of the cluster that was lands between the wipe and the new view.
         */
        void wipeObjects();

        /**
         * Moves the node to a new view. {@code previous} is the last epoch this node had logged before (null if
         * none); the hook must call {@code publish} once the node's objects fit the new epoch.
         */
        void changeEpoch(ClusterView before, ClusterView after, NodeStore.EpochRecord previous, Runnable publish);

        /** Every member has recovered the epoch {@code view} says is gathered: older stale copies may go. */
        void gathered(ClusterView view);

        /** The cluster was shut down: the node should stop once the answer is sent. */
        void shutdownRequested();
    }

    private final NodeStore store;
    private final ClusterState state;
    private final Executor io;
    private final Hooks hooks;
    /** Decisions are applied one at a time, in the order they came. */
    private final Deque<Apply> waiting = new ArrayDeque<>();
    private boolean persisting;
    private final RepeatedFailure applyFailure = new RepeatedFailure();

    private ClusterManager(ActorContext<Command> ctx, NodeStore store, ClusterState state, Executor io, Hooks hooks) {
        super(ctx);
        // Pekko's guess from the stack can be its own ActorCell: a logger that -l does not govern, silenced
        ctx.setLoggerName(ClusterManager.class);
        this.store = store;
        this.state = state;
        this.io = io;
        this.hooks = hooks;
        ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
    }

    public static Behavior<Command> create(NodeStore store, ClusterState state, Executor io, Hooks hooks) {
        return Behaviors.setup(ctx -> new ClusterManager(ctx, store, state, io, hooks));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(GetLocalState.class, this::onGetLocalState)
                .onMessage(Apply.class, this::onApply)
                .onMessage(Persisted.class, this::onPersisted)
                .onMessage(GetEpochLogs.class, this::onGetEpochLogs)
                .onMessage(OtherManagers.class, this::onOtherManagers)
                .onMessage(History.class, this::onHistory)
                .build();
    }

    private Behavior<Command> onGetLocalState(GetLocalState msg) {
        ClusterView v = state.current();
        int latest = v.epoch();
        List<SdNode> nodes = v.nodes();
        long time = v.epochTime();
        if (latest == 0) {
            latest = store.latestEpoch();
            Optional<NodeStore.EpochRecord> rec = latest > 0 ? store.readEpoch(latest) : Optional.empty();
            nodes = rec.map(NodeStore.EpochRecord::nodes).orElse(List.of());
            time = rec.map(NodeStore.EpochRecord::time).orElse(0L);
        }
        msg.replyTo().tell(new LocalState(getContext().getSelf(), v.self(), v.config(), latest, nodes, time,
                v.gatheredEpoch(), v.status()));
        return this;
    }

    private Behavior<Command> onApply(Apply msg) {
        if (persisting) {
            waiting.add(msg);
            return this;
        }
        persisting = true;
        ClusterView before = state.current();
        CompletableFuture.supplyAsync(() -> persist(msg, before), io)
                .whenComplete((missing, failure) -> getContext().getSelf().tell(new Persisted(msg,
                        Boolean.TRUE.equals(missing), failure)));
        return this;
    }

    /** Applies the decision to disk and view; true if this node lacks the logs of earlier epochs. */
    private boolean persist(Apply msg, ClusterView before) {
        ClusterConfig current = before.config();
        boolean otherCluster = current.formatted() && current.ctime() != msg.config().ctime();
        boolean wipe = msg.format() || otherCluster;
        if (wipe) {
            store.clearEpochs();
        }
        boolean shutdown = msg.status() == ClusterInfo.STATUS_SHUTDOWN;
        ClusterConfig wanted = msg.config().withShutdown(shutdown).withSpace(before.self().space());
        if (!wanted.equals(store.readConfig())) {
            store.writeConfig(wanted);
        }
        int last = store.latestEpoch();
        NodeStore.EpochRecord previous = last > 0 ? store.readEpoch(last).orElse(null) : null;
        if (msg.epoch() > 0 && store.readEpoch(msg.epoch()).isEmpty()) {
            store.writeEpoch(new NodeStore.EpochRecord(msg.epoch(), msg.nodes(), msg.time()));
        }
        // before the first format every node keeps its own settings (its vnodes strategy), as sheep's cinfo does
        boolean neverFormatted = !msg.config().formatted() && !current.formatted();
        ClusterConfig config = neverFormatted ? current : msg.config().withShutdown(false);
        ClusterView after = before.next(config, msg.epoch(), msg.time(), msg.nodes(), msg.status(),
                msg.recoveryDisabled(), msg.gatheredEpoch());
        if (wipe) {
            hooks.changeEpoch(before, after, null, () -> {
                hooks.wipeObjects();
                state.publish(after);
            });
        } else if (after.epoch() != before.epoch()) {
            hooks.changeEpoch(before, after, previous, () -> state.publish(after));
        } else {
            state.publish(after);
        }
        if (after.gatheredEpoch() > before.gatheredEpoch()) {
            hooks.gathered(after);
        }
        return msg.epoch() > 1 && store.epochs().size() < msg.epoch();
    }

    private Behavior<Command> onPersisted(Persisted p) {
        persisting = false;
        Apply next = waiting.poll();
        if (next != null) {
            onApply(next);
        }
        Apply msg = p.apply();
        ClusterView now = state.current();
        if (p.failure() != null) {
            String failure = "cannot apply epoch " + msg.epoch() + ": " + p.failure();
            String repeated = applyFailure.toLog(failure);
            if (repeated != null) {
                getContext().getLog().error("node {}: {}{}", now.self().nid(), failure, repeated);
            }
            msg.replyTo().tell(new Applied(now.self(), msg.epoch(), String.valueOf(p.failure())));
            return this;
        }
        applyFailure.clear();
        msg.replyTo().tell(new Applied(now.self(), msg.epoch(), null));
        if (p.historyMissing()) {
            ActorRef<Receptionist.Listing> adapter = getContext().messageAdapter(Receptionist.Listing.class,
                    l -> new OtherManagers(l.getServiceInstances(KEY), msg.epoch() - 1));
            getContext().getSystem().receptionist().tell(Receptionist.find(KEY, adapter));
        }
        if (msg.status() == ClusterInfo.STATUS_SHUTDOWN) {
            getContext().getLog().info("node {}: cluster shut down", now.self().nid());
            hooks.shutdownRequested();
        }
        return this;
    }

    private Behavior<Command> onGetEpochLogs(GetEpochLogs msg) {
        CompletableFuture.supplyAsync(() -> {
            List<NodeStore.EpochRecord> out = new ArrayList<>();
            for (int e : store.epochs()) {
                if (e <= msg.upTo()) {
                    store.readEpoch(e).ifPresent(out::add);
                }
            }
            return new EpochLogs(out);
        }, io).thenAccept(msg.replyTo()::tell);
        return this;
    }

    /** Fetches the epoch history this node missed from another member, so STAT_CLUSTER shows it whole. */
    private Behavior<Command> onOtherManagers(OtherManagers msg) {
        msg.managers().stream().filter(m -> !m.equals(getContext().getSelf())).findAny().ifPresent(other ->
                getContext().ask(EpochLogs.class, other, Duration.ofSeconds(10), r -> new GetEpochLogs(msg.upTo(), r),
                        (logs, err) -> new History(logs == null ? new EpochLogs(List.of()) : logs)));
        return this;
    }

    private Behavior<Command> onHistory(History h) {
        CompletableFuture.runAsync(() -> {
            for (NodeStore.EpochRecord r : h.logs().records()) {
                if (store.readEpoch(r.epoch()).isEmpty()) {
                    store.writeEpoch(r);
                }
            }
        }, io);
        return this;
    }
}
