package org.sheepdogj.management;

import org.sheepdogj.cluster.CborSerializable;
import org.sheepdogj.recovery.RecoveryManager;

/**
 * Where a node's recovery stands: idle; listing (asking every node what it holds); recovering (fetching the objects
 * it must now hold); paused (objects left, but recovery is disabled with {@code dog cluster recover disable}).
 */
public record RecoveryState(String phase, int epoch, long done, long total, long left) implements CborSerializable {

    static RecoveryState of(RecoveryManager.Progress p, long left, boolean disabled) {
        String phase = !p.inRecovery() ? "idle" : p.listing() ? "listing" : disabled ? "paused" : "recovering";
        return new RecoveryState(phase, p.epoch(), p.finished(), p.total(), left);
    }

    public boolean inRecovery() {
        return !"idle".equals(phase);
    }
}
