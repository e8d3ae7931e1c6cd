package org.sheepdogj.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.sheepdogj.protocol.ClusterFlags;
import org.sheepdogj.protocol.ClusterInfo;
import org.sheepdogj.protocol.Limits;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;
import org.sheepdogj.store.ClusterConfig;

/**
 * The one place that decides the cluster's state (a Pekko cluster singleton, so it moves when its node dies). It holds
 * nothing durable of its own: it learns the format and the epoch history from every node's {@link ClusterManager},
 * and from Pekko's membership decides when a new epoch begins, then tells every node.
 *
 * <p>As sheep does: after a restart the cluster waits until every member of the last epoch is back (WAIT_FOR_JOIN);
 * once running, every change of membership starts a new epoch; a format starts the history again at epoch 1.
 */
public final class ClusterCoordinator extends AbstractBehavior<ClusterCoordinator.Command> {
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SETTLE_RETRY = Duration.ofMillis(200);
    /** How many times a format waits {@link #SETTLE_RETRY} for the membership to be known. */
    public static final int FORMAT_ATTEMPTS = 50;

    public interface Command extends CborSerializable {
    }

    /**
     * MAKE_FS: the format's settings; answers once every node has applied it. While the members are not all known
     * yet (a node just started), it waits a little, {@code attempts} times.
     */
    public record Format(ClusterConfig config, int attempts, ActorRef<Outcome> replyTo) implements Command {
    }

    /** SHUTDOWN of the whole cluster. */
    public record Shutdown(ActorRef<Outcome> replyTo) implements Command {
    }

    /** A change of settings that keeps the epoch: copies, recovery enabled or not. */
    public record Reconfigure(Integer copies, Boolean recoveryDisabled, ActorRef<Outcome> replyTo)
            implements Command {
    }

    /** Starts the cluster without waiting for the missing members of the last epoch ({@code cluster recover force}). */
    public record ForceRecover(ActorRef<Outcome> replyTo) implements Command {
    }

    public record Outcome(int result) implements CborSerializable {
    }

    /** A node has every object it must hold in {@code epoch}. */
    public record RecoveryDone(NodeId node, int epoch) implements Command {
    }

    private record ManagersChanged(Set<ActorRef<ClusterManager.Command>> managers) implements Command {
    }

    private record GotState(ActorRef<ClusterManager.Command> manager, ClusterManager.LocalState state)
            implements Command {
    }

    private record Broadcasted(ActorRef<Outcome> replyTo, Throwable failure) implements Command {
    }

    private enum Tick implements Command { INSTANCE }

    private final Map<ActorRef<ClusterManager.Command>, ClusterManager.LocalState> managers = new HashMap<>();
    private final Set<ActorRef<ClusterManager.Command>> listed = new HashSet<>();
    private final Set<ActorRef<ClusterManager.Command>> asking = new HashSet<>();
    private ClusterConfig config = ClusterConfig.unformatted();
    private int epoch;
    private long epochTime;
    private List<SdNode> nodes = List.of();
    private boolean running;
    private boolean recoveryDisabled;
    private boolean shutdown;
    private int gathered;
    private final Map<NodeId, Integer> recovered = new HashMap<>();
    private String lastBroadcast = "";
    private final RepeatedFailure broadcastFailure = new RepeatedFailure();
    private List<SdNode> unformattedMembers = List.of();

    private ClusterCoordinator(ActorContext<Command> ctx, TimerScheduler<Command> timers) {
        super(ctx);
        // Pekko's guess from the stack can be its own ActorCell: a logger that -l does not govern, silenced
        ctx.setLoggerName(ClusterCoordinator.class);
        ActorRef<Receptionist.Listing> adapter = ctx.messageAdapter(Receptionist.Listing.class,
                l -> new ManagersChanged(l.getAllServiceInstances(ClusterManager.KEY)));
        ctx.getSystem().receptionist().tell(Receptionist.subscribe(ClusterManager.KEY, adapter));
        timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofSeconds(1));
    }

    public static Behavior<Command> create() {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ClusterCoordinator(ctx, timers)));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(ManagersChanged.class, this::onManagersChanged)
                .onMessage(GotState.class, this::onGotState)
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessage(Format.class, this::onFormat)
                .onMessage(Shutdown.class, this::onShutdown)
                .onMessage(Reconfigure.class, this::onReconfigure)
                .onMessage(ForceRecover.class, this::onForceRecover)
                .onMessage(Broadcasted.class, this::onBroadcasted)
                .onMessage(RecoveryDone.class, this::onRecoveryDone)
                .build();
    }

    private Behavior<Command> onManagersChanged(ManagersChanged msg) {
        listed.clear();
        listed.addAll(msg.managers());
        managers.keySet().retainAll(listed);
        askUnknownManagers();
        return reconcile();
    }

    private Behavior<Command> onTick() {
        askUnknownManagers();
        return reconcile();
    }

    private void askUnknownManagers() {
        for (ActorRef<ClusterManager.Command> m : listed) {
            if (!managers.containsKey(m) && asking.add(m)) {
                getContext().ask(ClusterManager.LocalState.class, m, ASK_TIMEOUT, ClusterManager.GetLocalState::new,
                        (res, err) -> new GotState(m, res));
            }
        }
    }

    private Behavior<Command> onGotState(GotState msg) {
        asking.remove(msg.manager());
        if (msg.state() != null && listed.contains(msg.manager())) {
            managers.put(msg.manager(), msg.state());
            learnFrom(msg.state());
        }
        return reconcile();
    }

    /** Adopts the newest format and epoch history any node reports. */
    private void learnFrom(ClusterManager.LocalState s) {
        if (!s.config().formatted()) {
            return;
        }
        boolean newerFormat = s.config().ctime() != config.ctime() && !running;
        boolean newerEpoch = s.config().ctime() == config.ctime() && s.latestEpoch() > epoch;
        if (newerFormat || newerEpoch) {
            config = s.config().withShutdown(false);
            epoch = s.latestEpoch();
            epochTime = s.latestTime();
            nodes = s.latestNodes();
        }
        gathered = Math.max(gathered, Math.min(s.gatheredEpoch(), epoch));
        if (s.status() == ClusterInfo.STATUS_OK && s.config().ctime() == config.ctime() && !running) {
            running = true;
            getContext().getLog().info("cluster: coordinator took over a running cluster at epoch {}", epoch);
        }
    }

    /**
     * Every Up member has a manager we heard from and has seen the membership as this node sees it: only then is the
     * membership known. A member counted here must be one every split-brain resolver counts too: moved Up by the
     * leader, it was in an epoch before the others had heard, and when the leader died at once the two others, one of
     * them still Joining to the third, saw a tie and downed themselves (NodeFailureTest, once in CI).
     */
    private boolean membershipSettled() {
        Set<Address> known = managers.keySet().stream().map(this::addressOf).collect(Collectors.toSet());
        // members and seenBy from one snapshot of the state
        ClusterEvent.CurrentClusterState state = Cluster.get(getContext().getSystem()).state();
        Set<Address> up = membersIn(state, MemberStatus.up());
        return !managers.isEmpty() && known.containsAll(up) && state.getSeenBy().containsAll(up);
    }

    /** The addresses of the members whose status is one of {@code statuses} in {@code state}. */
    private static Set<Address> membersIn(ClusterEvent.CurrentClusterState state, MemberStatus... statuses) {
        Set<MemberStatus> wanted = Set.of(statuses);
        Set<Address> found = new HashSet<>();
        state.getMembers().forEach(m -> {
            if (wanted.contains(m.status())) {
                found.add(m.address());
            }
        });
        return found;
    }

    private Address addressOf(ActorRef<ClusterManager.Command> manager) {
        Address a = manager.path().address();
        return a.hasLocalScope() ? Cluster.get(getContext().getSystem()).selfMember().address() : a;
    }

    private Behavior<Command> reconcile() {
        if (shutdown || !membershipSettled()) {
            return this;
        }
        List<SdNode> members = currentMembers();
        if (!config.formatted()) {
            if (!members.equals(unformattedMembers)) {
                unformattedMembers = members;
                getContext().getLog().info("cluster: not formatted yet; members {}", labels(members, Set.of()));
            }
            broadcastIfChanged(0, 0, withVnodes(members), ClusterInfo.STATUS_WAIT, false);
            return this;
        }
        Set<Object> memberIds = members.stream().map(SdNode::nid).collect(Collectors.toSet());
        Set<Object> epochIds = nodes.stream().map(SdNode::nid).collect(Collectors.toSet());
        if (!running) {
            if (!memberIds.containsAll(epochIds)) {
                broadcastIfChanged(epoch, epochTime, nodes, ClusterInfo.STATUS_WAIT, false);
                return this;
            }
            running = true;
            getContext().getLog().info("cluster: all {} node(s) of epoch {} are back, running", epochIds.size(),
                    epoch);
        }
        if (!memberIds.equals(epochIds)) {
            List<String> joined = labels(members, epochIds);
            List<String> left = labels(nodes, memberIds);
            epoch++;
            epochTime = Instant.now().getEpochSecond();
            nodes = withVnodes(members);
            getContext().getLog().info("cluster: epoch {}: joined {}, left {}; members {}", epoch, joined, left,
                    labels(nodes, Set.of()));
        }
        broadcastIfChanged(epoch, epochTime, nodes, ClusterInfo.STATUS_OK, false);
        return this;
    }

    /** The addresses of those of {@code list} that are not in {@code except}. */
    private static List<String> labels(List<SdNode> list, Set<Object> except) {
        return list.stream().filter(n -> !except.contains(n.nid())).map(n -> n.nid().label()).toList();
    }

    /**
     * The members with a manager, but those Pekko's split-brain resolver does not count yet (Joining): a node joins an
     * epoch, and holds replicas, only once it is Up. Counted by us and not by the resolver, a new node let the
     * survivors of a kill down themselves.
     */
    private List<SdNode> currentMembers() {
        Set<Address> notYetUp = membersIn(Cluster.get(getContext().getSystem()).state(), MemberStatus.joining(),
                MemberStatus.weaklyUp());
        return managers.entrySet().stream().filter(e -> !notYetUp.contains(addressOf(e.getKey())))
                .map(e -> e.getValue().self()).sorted().toList();
    }

    /** With AUTO_VNODES a node's share follows its space ({@code recalculate_vnodes}); gateways get none. */
    private List<SdNode> withVnodes(List<SdNode> members) {
        if ((config.flags() & ClusterFlags.AUTO_VNODES) == 0 || !config.formatted()) {
            return members;
        }
        long total = 0;
        int storing = 0;
        for (SdNode n : members) {
            if (n.space() > 0 && n.nrVnodes() > 0) {
                total += n.space();
                storing++;
            }
        }
        if (storing == 0) {
            return members;
        }
        double avg = (double) total / storing;
        List<SdNode> out = new ArrayList<>();
        for (SdNode n : members) {
            int v = n.nrVnodes() == 0 ? 0 : (int) Math.rint(Limits.DEFAULT_VNODES * (n.space() / avg));
            out.add(new SdNode(n.nid(), v, n.zone(), n.space()));
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private void broadcastIfChanged(int e, long time, List<SdNode> list, int status, boolean format) {
        String signature = config + "/" + e + "/" + list + "/" + status + "/" + recoveryDisabled + "/" + gathered + "/"
                + managers.size();
        if (!format && signature.equals(lastBroadcast)) {
            return;
        }
        lastBroadcast = signature;
        broadcast(e, time, list, status, format, null);
    }

    private void broadcast(int e, long time, List<SdNode> list, int status, boolean format, ActorRef<Outcome> replyTo) {
        List<CompletableFuture<ClusterManager.Applied>> acks = new ArrayList<>();
        for (ActorRef<ClusterManager.Command> m : managers.keySet()) {
            CompletionStage<ClusterManager.Applied> ack = AskPattern.ask(m,
                    r -> new ClusterManager.Apply(config, e, time, list, status, recoveryDisabled, gathered,
                            format, r),
                    ASK_TIMEOUT.multipliedBy(6), getContext().getSystem().scheduler());
            acks.add(ack.toCompletableFuture());
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(acks.toArray(new CompletableFuture[0]))
                .thenAccept(v -> {
                    for (CompletableFuture<ClusterManager.Applied> a : acks) {
                        String error = a.join().error();
                        if (error != null) {
                            throw new IllegalStateException(error);
                        }
                    }
                });
        getContext().pipeToSelf(all, (ok, err) -> new Broadcasted(replyTo, err));
    }

    private Behavior<Command> onBroadcasted(Broadcasted msg) {
        if (msg.failure() != null) {
            String repeated = broadcastFailure.toLog(msg.failure().toString());
            if (repeated != null) {
                getContext().getLog().warn("cluster: a node did not apply the cluster state: {}{}", msg.failure(),
                        repeated);
            }
            lastBroadcast = "";
        } else {
            broadcastFailure.clear();
        }
        if (msg.replyTo() != null) {
            msg.replyTo().tell(new Outcome(msg.failure() == null ? 0 : ResultCode.EIO));
        }
        return this;
    }

    private Behavior<Command> onFormat(Format msg) {
        if (!membershipSettled()) {
            if (msg.attempts() > 0) {
                getContext().scheduleOnce(SETTLE_RETRY, getContext().getSelf(),
                        new Format(msg.config(), msg.attempts() - 1, msg.replyTo()));
            } else {
                msg.replyTo().tell(new Outcome(ResultCode.WAIT_FOR_JOIN));
            }
            return this;
        }
        config = msg.config();
        epoch = 1;
        gathered = 0;
        recovered.clear();
        epochTime = Instant.now().getEpochSecond();
        nodes = withVnodes(currentMembers());
        running = true;
        recoveryDisabled = false;
        getContext().getLog().info("cluster: formatted with {} copies, store {}, epoch 1: {}", config.copies(),
                config.store(), nodes.stream().map(n -> n.nid().label()).toList());
        lastBroadcast = "";
        broadcast(epoch, epochTime, nodes, ClusterInfo.STATUS_OK, true, msg.replyTo());
        return this;
    }

    /**
     * When every member of the current epoch has recovered it, the epoch is gathered: each object is on all its
     * owners, and the copies nodes set aside at earlier epochs may go.
     */
    private Behavior<Command> onRecoveryDone(RecoveryDone msg) {
        recovered.merge(msg.node(), msg.epoch(), Math::max);
        boolean all = !nodes.isEmpty() && nodes.stream()
                .allMatch(n -> recovered.getOrDefault(n.nid(), 0) >= epoch);
        if (all && gathered < epoch && running) {
            gathered = epoch;
            getContext().getLog().info("cluster: every node has recovered epoch {}", epoch);
            reconcile();
        }
        return this;
    }

    private Behavior<Command> onShutdown(Shutdown msg) {
        shutdown = true;
        broadcast(epoch, epochTime, nodes, ClusterInfo.STATUS_SHUTDOWN, false, msg.replyTo());
        return this;
    }

    private Behavior<Command> onReconfigure(Reconfigure msg) {
        if (msg.copies() != null) {
            config = config.withCopies(msg.copies());
        }
        if (msg.recoveryDisabled() != null) {
            recoveryDisabled = msg.recoveryDisabled();
        }
        broadcast(epoch, epochTime, nodes, running ? ClusterInfo.STATUS_OK : ClusterInfo.STATUS_WAIT, false,
                msg.replyTo());
        return this;
    }

    private Behavior<Command> onForceRecover(ForceRecover msg) {
        if (running || !config.formatted()) {
            msg.replyTo().tell(new Outcome(ResultCode.FORCE_RECOVER));
            return this;
        }
        running = true;
        reconcile();
        msg.replyTo().tell(new Outcome(0));
        return this;
    }
}
