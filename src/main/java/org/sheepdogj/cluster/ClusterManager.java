package org.sheepdogj.cluster;

import java.util.List;
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
                             List<SdNode> latestNodes, long latestTime, int gatheredEpoch) implements CborSerializable {
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

    private record Persisted(Apply apply, Throwable failure) implements Command {
    }

    /** What a node does beyond its cluster view when the cluster changes. They run on the I/O executor. */
    public interface Hooks {
        /** The objects must go (format). */
        void wipeObjects();

        /**
         * Moves the node to a new view. {@code previous} is the last epoch this node had logged before (null if
         * none); the hook must call {@code publish} once the node's objects fit the new epoch.
         */
        void changeEpoch(ClusterView before, ClusterView after, NodeStore.EpochRecord previous, Runnable publish);

        /** Every member has recovered epoch {@code epoch}: older stale copies may go. */
        void gathered(int epoch);

        /** The cluster was shut down: the node should stop once the answer is sent. */
        void shutdownRequested();
    }

    private final NodeStore store;
    private final ClusterState state;
    private final Executor io;
    private final Hooks hooks;

    private ClusterManager(ActorContext<Command> ctx, NodeStore store, ClusterState state, Executor io, Hooks hooks) {
        super(ctx);
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
                v.gatheredEpoch()));
        return this;
    }

    private Behavior<Command> onApply(Apply msg) {
        ClusterView before = state.current();
        CompletableFuture.runAsync(() -> persist(msg, before), io)
                .whenComplete((ok, failure) -> getContext().getSelf().tell(new Persisted(msg, failure)));
        return this;
    }

    private void persist(Apply msg, ClusterView before) {
        ClusterConfig current = before.config();
        boolean otherCluster = current.formatted() && current.ctime() != msg.config().ctime();
        if (msg.format() || otherCluster) {
            hooks.wipeObjects();
            store.clearEpochs();
        }
        boolean shutdown = msg.status() == ClusterInfo.STATUS_SHUTDOWN;
        ClusterConfig wanted = msg.config().withShutdown(shutdown);
        if (!wanted.equals(store.readConfig())) {
            store.writeConfig(wanted);
        }
        int last = store.latestEpoch();
        NodeStore.EpochRecord previous = last > 0 ? store.readEpoch(last).orElse(null) : null;
        if (msg.epoch() > 0 && store.readEpoch(msg.epoch()).isEmpty()) {
            store.writeEpoch(new NodeStore.EpochRecord(msg.epoch(), msg.nodes(), msg.time()));
        }
        ClusterView after = before.next(msg.config().withShutdown(false), msg.epoch(), msg.time(), msg.nodes(),
                msg.status(), msg.recoveryDisabled(), msg.gatheredEpoch());
        if (after.epoch() != before.epoch() || msg.format()) {
            hooks.changeEpoch(before, after, msg.format() ? null : previous, () -> state.publish(after));
        } else {
            state.publish(after);
        }
        if (after.gatheredEpoch() > before.gatheredEpoch()) {
            hooks.gathered(after.gatheredEpoch());
        }
    }

    private Behavior<Command> onPersisted(Persisted p) {
        Apply msg = p.apply();
        ClusterView now = state.current();
        if (p.failure() != null) {
            getContext().getLog().error("node {}: cannot apply epoch {}: {}", now.self().nid(), msg.epoch(),
                    p.failure().toString());
            msg.replyTo().tell(new Applied(now.self(), msg.epoch(), String.valueOf(p.failure())));
            return this;
        }
        msg.replyTo().tell(new Applied(now.self(), msg.epoch(), null));
        if (msg.status() == ClusterInfo.STATUS_SHUTDOWN) {
            getContext().getLog().info("node {}: cluster shut down", now.self().nid());
            hooks.shutdownRequested();
        }
        return this;
    }
}
