package org.sheepdogj.cluster;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Keeps a failure that is retried every second from filling the log: it is logged the first time, whenever it
 * changes, and once a minute while it lasts, with how often it came since. One per actor: not thread-safe.
 */
final class RepeatedFailure {
    private static final Duration EVERY = Duration.ofMinutes(1);

    private final LongSupplier nanoTime;
    private String last;
    private long loggedAt;
    private int since;

    RepeatedFailure() {
        this(System::nanoTime);
    }

    RepeatedFailure(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * Whether this failure is to be logged now, and what to add to its line: {@code null} to stay quiet, {@code ""}
     * the first time, or how often it came since it was last logged.
     */
    String toLog(String failure) {
        long now = nanoTime.getAsLong();
        if (failure.equals(last) && now - loggedAt < EVERY.toNanos()) {
            since++;
            return null;
        }
        String note = failure.equals(last) ? String.format(" (%d more time(s) since it was last logged)", since) : "";
        last = failure;
        loggedAt = now;
        since = 0;
        return note;
    }

    /** The failure is over: the next one is logged at once. */
    void clear() {
        last = null;
    }
}
