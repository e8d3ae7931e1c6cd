package org.sheepdogj.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.apache.pekko.remote.FailureDetector;
import org.apache.pekko.remote.PhiAccrualFailureDetector;
import org.junit.jupiter.api.Test;

import scala.concurrent.duration.FiniteDuration;

/**
 * The detector on a clock of the test's: the reaper asks it once a second, as Pekko's does, and the member it watches
 * answers heartbeats once a second until the test stops them. Pekko's own detector on the same clock says what the
 * cluster would have done without ours.
 */
class PauseAwareFailureDetectorTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long ACCEPTABLE_PAUSE = 4 * SECOND;

    private final TestClock clock = new TestClock();
    private final PhiAccrualFailureDetector phi = new PhiAccrualFailureDetector(8.0, 1000,
            FiniteDuration.create(100, TimeUnit.MILLISECONDS), FiniteDuration.create(4, TimeUnit.SECONDS),
            FiniteDuration.create(1, TimeUnit.SECONDS), clock);
    private final PauseAwareFailureDetector detector = new PauseAwareFailureDetector(phi, ACCEPTABLE_PAUSE,
            () -> clock.nanos);

    @Test
    void aMemberHeardOfJustAfterThisNodeWakesWasNeverUnreachable() {
        tenSecondsOfHeartbeats();
        clock.nanos += 12 * SECOND;
        assertFalse(phi.isAvailable(), "Pekko's detector, woken, takes the member as dead");
        assertTrue(detector.isAvailable(), "woken, before the member's heartbeat could come in");
        clock.nanos += SECOND / 2;
        detector.heartbeat();
        for (int s = 0; s < 10; s++) {
            clock.nanos += SECOND;
            detector.heartbeat();
            assertTrue(detector.isAvailable(), s + " s after the first heartbeat since waking");
        }
    }

    /** Pekko makes a member's detector at its first heartbeat, and a node may freeze before the reaper asks it. */
    @Test
    void aPauseBeforeTheDetectorWasFirstAskedIsAPauseToo() {
        detector.heartbeat();
        clock.nanos += 12 * SECOND;
        assertFalse(phi.isAvailable(), "Pekko's detector, woken, takes the member as dead");
        assertTrue(detector.isAvailable(), "woken, before the member's heartbeat could come in");
    }

    @Test
    void aMemberSilentAfterThisNodeWakesIsUnreachableOneAcceptablePauseLater() {
        tenSecondsOfHeartbeats();
        clock.nanos += 12 * SECOND;
        long woken = clock.nanos;
        for (int tenths = 0; tenths < 600 && detector.isAvailable(); tenths++) {
            clock.nanos += SECOND / 10;
        }
        assertEquals(ACCEPTABLE_PAUSE, clock.nanos - woken, SECOND / 10 + 1, "taken as reachable after waking for");
    }

    @Test
    void aMemberFallingSilentWhileThisNodeRunsIsUnreachableWhenPekkoWouldSayIt() {
        tenSecondsOfHeartbeats();
        for (int s = 0; s < 20; s++) {
            clock.nanos += SECOND;
            assertEquals(phi.isAvailable(), detector.isAvailable(), s + " s after the member's last heartbeat");
        }
        assertFalse(detector.isAvailable(), "silent for 20 s");
    }

    private void tenSecondsOfHeartbeats() {
        for (int s = 0; s < 10; s++) {
            detector.heartbeat();
            assertTrue(detector.isAvailable());
            clock.nanos += SECOND;
        }
    }

    /** Pekko's detector reads milliseconds from its clock; ours reads the same time in nanoseconds. */
    private static final class TestClock extends FailureDetector.Clock {
        long nanos = 1_000 * SECOND;

        @Override
        public long apply$mcJ$sp() {
            return TimeUnit.NANOSECONDS.toMillis(nanos);
        }

        @Override
        public Object apply() {
            return apply$mcJ$sp();
        }
    }
}
