package org.sheepdogj.gateway;

import java.util.ArrayList;
import java.util.List;

/**
 * A bound on the request and response bytes in flight (per connection, and per node). A request that does not fit
 * waits until others finish; the reader stops reading meanwhile, so a client that sends faster than the node can
 * serve is slowed down by TCP instead of filling the heap. One request is always admitted when nothing else is in
 * flight, so a single request larger than the budget cannot stall forever.
 */
public final class ByteBudget {
    private final long capacity;
    private long used;
    private final List<Runnable> waiters = new ArrayList<>();

    public ByteBudget(long capacity) {
        this.capacity = capacity;
    }

    /** Takes {@code n} bytes if they fit; otherwise remembers {@code onRelease} to be run when bytes come back. */
    public synchronized boolean tryAcquire(long n, Runnable onRelease) {
        if (used == 0 || used + n <= capacity) {
            used += n;
            return true;
        }
        waiters.add(onRelease);
        return false;
    }

    public void release(long n) {
        List<Runnable> wake;
        synchronized (this) {
            used -= n;
            if (waiters.isEmpty()) {
                return;
            }
            wake = new ArrayList<>(waiters);
            waiters.clear();
        }
        wake.forEach(Runnable::run);
    }

    public synchronized long used() {
        return used;
    }

    public long capacity() {
        return capacity;
    }
}
