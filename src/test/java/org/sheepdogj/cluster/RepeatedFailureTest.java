package org.sheepdogj.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class RepeatedFailureTest {
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(42 * SECOND);
    private final RepeatedFailure failure = new RepeatedFailure(clock::get);

    @Test
    void aFailureRetriedEverySecondIsLoggedOnceAMinuteWithHowOftenItCame() {
        assertEquals("", failure.toLog("cannot apply epoch 3: disk full"));
        for (int i = 0; i < 59; i++) {
            clock.addAndGet(SECOND);
            assertNull(failure.toLog("cannot apply epoch 3: disk full"), "second " + (i + 1));
        }
        clock.addAndGet(SECOND);
        assertEquals(" (59 more time(s) since it was last logged)", failure.toLog("cannot apply epoch 3: disk full"));
        clock.addAndGet(SECOND);
        assertNull(failure.toLog("cannot apply epoch 3: disk full"));
    }

    @Test
    void aFailureThatChangesOrComesBackAfterASuccessIsLoggedAtOnce() {
        assertEquals("", failure.toLog("cannot apply epoch 3: disk full"));
        assertEquals("", failure.toLog("cannot apply epoch 4: disk full"));
        failure.clear();
        assertEquals("", failure.toLog("cannot apply epoch 4: disk full"));
        assertNull(failure.toLog("cannot apply epoch 4: disk full"));
    }
}
