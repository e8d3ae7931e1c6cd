package org.sheepdogj.peer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Holds back a request for an object this node must recover but has not yet, until it has it (recover on access).
 * Defined here, implemented by the recovery layer.
 */
public interface RecoveryGate {
    RecoveryGate OPEN = oid -> CompletableFuture.completedFuture(null);

    /** Completes when the object may be served from this node's store. */
    CompletionStage<Void> ready(long oid);
}
