package org.sheepdogj.cluster;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.apache.pekko.event.EventStream;
import org.apache.pekko.remote.FailureDetector;
import org.apache.pekko.remote.FailureDetectorWithAddress;
import org.apache.pekko.remote.PhiAccrualFailureDetector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.typesafe.config.Config;

/**
 * Pekko's phi accrual failure detector for one member, except just after this node did not run for a while (a stalled
 * VM, a long GC, SIGSTOP). A woken node has heard no heartbeat for its whole pause, and Pekko's reaper, overdue, runs
 * before the heartbeat round trips that follow: it would mark every other member unreachable, for a second, to the
 * whole cluster. If the split-brain resolver decides in that second, its rule for indirectly connected nodes downs the
 * woken node together with every node that had marked it unreachable while it was frozen (docs/architecture.md,
 * "Partitions"). So a detector that was not asked for longer than half the acceptable heartbeat pause (the reaper asks
 * every second), or not since it was made, takes its member as reachable for one acceptable pause more, time for
 * heartbeats to come in; a member that died meanwhile is marked that much later. The other nodes see the pause as
 * they always did.
 */
public final class PauseAwareFailureDetector implements FailureDetector, FailureDetectorWithAddress {
    private static final Logger log = LoggerFactory.getLogger(PauseAwareFailureDetector.class);
    /** When a pause was last logged: the detectors of all members notice the same pause, and it is logged once. */
    private static final AtomicLong pauseLoggedAt = new AtomicLong(System.nanoTime() - TimeUnit.DAYS.toNanos(1));

    private final PhiAccrualFailureDetector phi;
    private final LongSupplier nanoTime;
    private final long pauseNanos;
    private final long graceNanos;
    /** When this detector was last asked, or made: a pause right after it was made is a pause too. */
    private long lastAsked;
    private long reachableUntil;

    /** The constructor Pekko's loader calls with the {@code pekko.cluster.failure-detector} section. */
    public PauseAwareFailureDetector(Config config, EventStream events) {
        this(new PhiAccrualFailureDetector(config, events),
                config.getDuration("acceptable-heartbeat-pause").toNanos(), System::nanoTime);
    }

    PauseAwareFailureDetector(PhiAccrualFailureDetector phi, long acceptablePauseNanos, LongSupplier nanoTime) {
        this.phi = phi;
        this.nanoTime = nanoTime;
        this.pauseNanos = acceptablePauseNanos / 2;
        this.graceNanos = acceptablePauseNanos;
        this.lastAsked = nanoTime.getAsLong();
        this.reachableUntil = lastAsked;
    }

    @Override
    public synchronized boolean isAvailable() {
        long now = nanoTime.getAsLong();
        if (now - lastAsked > pauseNanos) {
            reachableUntil = now + graceNanos;
            logOnce(now, now - lastAsked);
        }
        lastAsked = now;
        return phi.isAvailable() || now - reachableUntil < 0;
    }

    private void logOnce(long now, long pause) {
        long logged = pauseLoggedAt.get();
        if (now - logged > pauseNanos && pauseLoggedAt.compareAndSet(logged, now)) {
            log.warn("this node did not run for {} ms (a stalled VM, a long GC or SIGSTOP): the members it heard "
                            + "nothing from meanwhile stay reachable for {} ms while their heartbeats come in",
                    TimeUnit.NANOSECONDS.toMillis(pause), TimeUnit.NANOSECONDS.toMillis(graceNanos));
        }
    }

    @Override
    public boolean isMonitoring() {
        return phi.isMonitoring();
    }

    @Override
    public void heartbeat() {
        phi.heartbeat();
    }

    @Override
    public void setAddress(String address) {
        phi.setAddress(address);
    }
}
