package org.sheepdogj.recovery;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.sheepdogj.cluster.ClusterCoordinator;
import org.sheepdogj.cluster.ClusterView;
import org.sheepdogj.peer.ObjectPolicy;
import org.sheepdogj.peer.PeerService;
import org.sheepdogj.peer.PeerTransport;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.SdNode;

/**
 * Recovery on one node ({@code sheep/recovery.c}): at every new epoch it lists the objects of every member, works
 * out those it owns on the new ring but does not hold, and fetches them, each by an {@link ObjectRecovery} actor, a
 * bounded number at a time and at most {@code throttle.max} per {@code throttle.interval}. An object a client asks
 * for jumps the queue. When it is done it tells the coordinator, which declares the epoch gathered once every
 * member is done. A newer epoch supersedes a recovery still running.
 */
public final class RecoveryManager extends AbstractBehavior<RecoveryManager.Command> {
    /** Bytes of a page of a member's object list: 262,144 entries. */
    private static final int LIST_PAGE = 4 << 20;
    private static final Duration TICK = Duration.ofMillis(100);
    /** How long objects that could not be fetched wait before they are tried again. */
    private static final Duration RETRY_DELAY = Duration.ofSeconds(5);

    public interface Command {
    }

    /** The cluster moved to a new view; recover if it is a new epoch (or if recovery was re-enabled). */
    public record ViewChanged(ClusterView view) implements Command {
    }

    /** How much recovery may do: objects at once, and objects per interval (0: no limit). */
    public record Throttle(int parallel, int maxPerInterval, Duration interval) implements Command {
    }

    public record GetProgress(ActorRef<Progress> replyTo) implements Command {
    }

    /** What {@code dog node recovery} shows. */
    public record Progress(boolean inRecovery, boolean listing, int epoch, long finished, long total,
                           Throttle throttle) {
    }

    private record Listed(ClusterView view, RecoveryPlan plan, Throwable failure) implements Command {
    }

    private record Prioritize(long oid) implements Command {
    }

    private enum Tick implements Command { INSTANCE }

    /** Lists the objects of {@code view}'s epoch again, after a listing that failed. */
    private record Relist(ClusterView view) implements Command {
    }

    private final PeerTransport transport;
    private final PeerService local;
    private final ObjectPolicy policy;
    private final RecoveryTracker tracker;
    private final ActorRef<ClusterCoordinator.Command> coordinator;
    private final TimerScheduler<Command> timers;
    private final int maxLength;
    private ClusterView view;
    private Throttle throttle;
    private RecoveryPlan plan;
    private final Deque<Long> queue = new ArrayDeque<>();
    /** Objects of the current plan being fetched. */
    private final Set<Long> running = new HashSet<>();
    /** Fetches of superseded plans not ended yet: they still take a place among the parallel ones. */
    private int superseded;
    /** Objects of the current plan that could not be fetched, to be tried again after {@link #RETRY_DELAY}. */
    private final Deque<Long> retry = new ArrayDeque<>();
    private final Set<Long> failedOnce = new HashSet<>();
    private long retryAtNanos;
    private long finished;
    /** Objects of the current plan stored from this node's own set-aside copies. */
    private long kept;
    private long startedNanos;
    private int budget;
    private boolean listing;
    /** A listing failed and is to start again: the node is still in recovery meanwhile, its plan not made. */
    private boolean relistDue;
    private long refilledNanos;

    private RecoveryManager(ActorContext<Command> ctx, TimerScheduler<Command> timers, PeerTransport transport,
                            PeerService local, ObjectPolicy policy, RecoveryTracker tracker,
                            ActorRef<ClusterCoordinator.Command> coordinator, int maxLength, Throttle throttle) {
        super(ctx);
        // Pekko's guess from the stack can be its own ActorCell: a logger that -l does not govern, silenced
        ctx.setLoggerName(RecoveryManager.class);
        this.transport = transport;
        this.local = local;
        this.policy = policy;
        this.tracker = tracker;
        this.coordinator = coordinator;
        this.timers = timers;
        this.maxLength = maxLength;
        this.throttle = throttle;
        this.budget = throttle.maxPerInterval();
        ActorRef<Command> self = ctx.getSelf();
        tracker.onAccess(oid -> self.tell(new Prioritize(oid)));
        timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
    }

    public static Behavior<Command> create(PeerTransport transport, PeerService local, ObjectPolicy policy,
                                           RecoveryTracker tracker, ActorRef<ClusterCoordinator.Command> coordinator,
                                           int maxLength, Throttle throttle) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new RecoveryManager(ctx, timers, transport,
                local, policy, tracker, coordinator, maxLength, throttle)));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(ViewChanged.class, this::onViewChanged)
                .onMessage(Listed.class, this::onListed)
                .onMessage(Relist.class, this::onRelist)
                .onMessage(ObjectRecovery.Outcome.class, this::onOutcome)
                .onMessage(Prioritize.class, this::onPrioritize)
                .onMessage(Throttle.class, this::onThrottle)
                .onMessage(GetProgress.class, this::onGetProgress)
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .build();
    }

    private Behavior<Command> onViewChanged(ViewChanged msg) {
        ClusterView v = msg.view();
        boolean newEpoch = view == null || !v.sameEpoch(view);
        view = v;
        if (!newEpoch) {
            return startMore();
        }
        queue.clear();
        retry.clear();
        failedOnce.clear();
        superseded += running.size();
        running.clear();
        plan = null;
        relistDue = false;
        if (!v.formatted() || !v.running() || !v.isMember() || v.self().isGateway()) {
            tracker.endListing();
            return this;
        }
        finished = 0;
        kept = 0;
        startedNanos = System.nanoTime();
        getContext().getLog().info("node {}: recovery of epoch {} starts", v.self().nid(), v.epoch());
        startListing(v);
        return this;
    }

    private void startListing(ClusterView v) {
        listing = true;
        getContext().pipeToSelf(listAll(v), (p, e) -> new Listed(v, p, e));
    }

    private Behavior<Command> onRelist(Relist msg) {
        if (view != null && msg.view().sameEpoch(view) && relistDue) {
            relistDue = false;
            startListing(view);
        }
        return this;
    }

    private CompletionStage<RecoveryPlan> listAll(ClusterView v) {
        RecoveryPlan.Gathering gathering = new RecoveryPlan.Gathering(v, policy);
        List<CompletableFuture<Void>> lists = new ArrayList<>();
        for (SdNode n : v.nodes()) {
            if (!n.isGateway()) {
                lists.add(RecoveryListReader.read(transport, n.nid(), v, Math.min(LIST_PAGE, maxLength),
                        page -> gathering.add(n.nid(), page)).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(lists.toArray(new CompletableFuture[0])).thenApply(x -> gathering.plan());
    }

    private Behavior<Command> onListed(Listed msg) {
        if (view == null || !msg.view().sameEpoch(view)) {
            return this;
        }
        listing = false;
        if (msg.failure() != null) {
            getContext().getLog().error("node {}: cannot list the objects of epoch {}: {}; trying again in {} s",
                    view.self().nid(), view.epoch(), msg.failure().toString(), RETRY_DELAY.toSeconds());
            tracker.endListing();
            relistDue = true;
            timers.startSingleTimer(new Relist(view), RETRY_DELAY);
            return this;
        }
        plan = msg.plan();
        queue.addAll(plan.order());
        tracker.listed(plan.order());
        getContext().getLog().info("node {}: epoch {}: {} object(s) to recover of the {} it owns", view.self().nid(),
                plan.epoch(), plan.order().size(), plan.owned());
        return startMore();
    }

    private Behavior<Command> onPrioritize(Prioritize msg) {
        if (plan != null && queue.remove(msg.oid())) {
            start(msg.oid());
        }
        return this;
    }

    private Behavior<Command> startMore() {
        if (plan == null || view.recoveryDisabled()) {
            return this;
        }
        if (queue.isEmpty() && !retry.isEmpty() && System.nanoTime() - retryAtNanos >= 0) {
            queue.addAll(retry);
            retry.clear();
        }
        while (!queue.isEmpty() && running.size() + superseded < throttle.parallel()
                && (throttle.maxPerInterval() == 0 || budget > 0)) {
            budget--;
            start(queue.poll());
        }
        maybeDone();
        return this;
    }

    private void start(long oid) {
        running.add(oid);
        long size = policy.sizeOf(oid);
        int length = size > 0 ? (int) Math.min(size, maxLength) : maxLength;
        getContext().spawnAnonymous(ObjectRecovery.create(oid, plan, length, transport, local,
                getContext().getSelf()));
    }

    /**
     * An outcome counts only for the plan that started it: the same object may be fetched again for a newer plan
     * while the superseded fetch still runs, and its end says nothing about the newer one.
     */
    private Behavior<Command> onOutcome(ObjectRecovery.Outcome o) {
        if (o.plan() != plan) {
            superseded--;
            return startMore();
        }
        running.remove(o.oid());
        if (o.stored() || o.gone()) {
            finished++;
            kept += o.kept() ? 1 : 0;
        } else {
            retryLater(o);
        }
        tracker.recovered(o.oid());
        return startMore();
    }

    /**
     * An object that could not be fetched is tried again, and the epoch is not done until it is here: a node that
     * declared itself done would let the cluster gather the epoch and delete the set-aside copies that may be the
     * object's only ones. Requests for it are not held meanwhile (they would wait without end); they meet its absence.
     * An object every source says it has not is not tried again: it was removed (a discard, a deleted VDI).
     */
    private void retryLater(ObjectRecovery.Outcome o) {
        if (failedOnce.add(o.oid())) {
            getContext().getLog().error("node {}: epoch {}: cannot recover object {}: {}; trying again every {} s",
                    view.self().nid(), plan.epoch(), Oid.hex(o.oid()), o.why(), RETRY_DELAY.toSeconds());
        }
        if (retry.isEmpty()) {
            retryAtNanos = System.nanoTime() + RETRY_DELAY.toNanos();
        }
        retry.add(o.oid());
    }

    private void maybeDone() {
        if (plan == null || !queue.isEmpty() || !running.isEmpty() || !retry.isEmpty()) {
            return;
        }
        long ms = (System.nanoTime() - startedNanos) / 1_000_000;
        getContext().getLog().info("node {}: recovery of epoch {} done: {} object(s) recovered ({} from copies set "
                + "aside here, {} after failures), {} ms", view.self().nid(), plan.epoch(), finished, kept,
                failedOnce.size(), ms);
        coordinator.tell(new ClusterCoordinator.RecoveryDone(view.self().nid(), plan.epoch()));
        plan = null;
    }

    private Behavior<Command> onTick() {
        long now = System.nanoTime();
        if (now - refilledNanos >= throttle.interval().toNanos()) {
            refilledNanos = now;
            budget = throttle.maxPerInterval();
        }
        return startMore();
    }

    private Behavior<Command> onThrottle(Throttle t) {
        throttle = t;
        return startMore();
    }

    private Behavior<Command> onGetProgress(GetProgress msg) {
        long total = plan == null ? finished : plan.order().size();
        boolean unlisted = listing || relistDue;
        msg.replyTo().tell(new Progress(plan != null || unlisted, unlisted, view == null ? 0 : view.epoch(), finished,
                total, throttle));
        return this;
    }
}
