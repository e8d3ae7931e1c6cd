package org.sheepdogj.recovery;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.util.ByteString;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;

/**
 * The recovery requests of {@code dog node recovery}: STAT_RECOVERY ({@code struct recovery_state}, 24 bytes) and
 * GET_RECOVERY / SET_RECOVERY ({@code struct recovery_throttling}: max objects per interval, interval in
 * milliseconds, whether throttling is on).
 */
public final class RecoveryRequests {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int STATE_SIZE = 24;
    private static final int THROTTLING_SIZE = 24;

    private final ActorRef<RecoveryManager.Command> manager;
    private final Scheduler scheduler;

    public RecoveryRequests(ActorRef<RecoveryManager.Command> manager, Scheduler scheduler) {
        this.manager = manager;
        this.scheduler = scheduler;
    }

    public CompletionStage<RecoveryManager.Progress> progress() {
        return AskPattern.ask(manager, RecoveryManager.GetProgress::new, TIMEOUT, scheduler);
    }

    /** STAT_RECOVERY: in recovery, its phase (0 listing, 1 recovering objects), objects done and in all. */
    public CompletionStage<Response> stat() {
        return progress().thenApply(p -> {
            ByteBuffer b = ByteBuffer.allocate(STATE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            b.put(0, (byte) (p.inRecovery() ? 1 : 0)).putInt(4, p.listing() ? 0 : 1).putLong(8, p.finished())
                    .putLong(16, p.total());
            return Response.data(ByteString.fromArrayUnsafe(b.array()));
        });
    }

    /** GET_RECOVERY: the throttle. */
    public CompletionStage<Response> get() {
        return progress().thenApply(p -> {
            RecoveryManager.Throttle t = p.throttle();
            ByteBuffer b = ByteBuffer.allocate(THROTTLING_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(0, t.maxPerInterval()).putLong(8, t.interval().toMillis())
                    .put(16, (byte) (t.maxPerInterval() > 0 ? 1 : 0));
            return Response.data(ByteString.fromArrayUnsafe(b.array()));
        });
    }

    /** SET_RECOVERY: a new throttle (throttling off means no limit). */
    public CompletionStage<Response> set(Request req) {
        if (req.payload().size() < THROTTLING_SIZE) {
            return CompletableFuture.completedFuture(Response.of(ResultCode.INVALID_PARMS));
        }
        ByteBuffer b = req.payload().asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int max = b.getInt(0);
        long interval = b.getLong(8);
        // as sheep's set_recovery: the values decide; dog leaves the request's own flag uninitialized
        boolean on = max > 0 && interval > 0;
        if (max < 0 || interval < 0) {
            return CompletableFuture.completedFuture(Response.of(ResultCode.INVALID_PARMS));
        }
        return progress().thenApply(p -> {
            manager.tell(new RecoveryManager.Throttle(p.throttle().parallel(), on ? max : 0,
                    Duration.ofMillis(on && interval > 0 ? interval : p.throttle().interval().toMillis())));
            return Response.of(ResultCode.SUCCESS);
        });
    }
}
