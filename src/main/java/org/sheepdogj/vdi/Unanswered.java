package org.sheepdogj.vdi;

import java.time.Duration;
import java.util.function.IntConsumer;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.sheepdogj.protocol.ResultCode;
import org.slf4j.Logger;

/**
 * The answer a change of durable state owes its client. A failed write of the state (a full disk, replicas out of
 * reach) restarts the actor and loses the command that wrote it; this outlives the restart, so that the new
 * incarnation answers the client with the failure instead of leaving it to time out.
 */
final class Unanswered {
    /** How a VDI actor comes back after its state could not be written: it reads the state that was. */
    static final BackoffSupervisorStrategy RESTART_AFTER_FAILED_WRITE =
            SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2);

    private IntConsumer failure;

    /** Before a write: how to answer if it fails. */
    void owe(IntConsumer answerWithFailure) {
        failure = answerWithFailure;
    }

    /** The write is durable; the actor answers as it does on success. */
    void paid() {
        failure = null;
    }

    /**
     * After a (re)start of the actor whose state is {@code persistenceId} ({@code what}, for the log): if the write
     * before it failed, answers the client with why ({@link ObjectStateStore#takeFailure}) and logs it.
     */
    void answerFailure(ActorSystem<?> system, String persistenceId, Logger log, String what) {
        int result = ObjectStateStore.takeFailure(system.classicSystem(), persistenceId);
        IntConsumer f = failure;
        failure = null;
        if (f != null) {
            f.accept(result);
            log.warn("{}: a change was not made, its state could not be written: {}", what,
                    ResultCode.describe(result));
        }
    }
}
