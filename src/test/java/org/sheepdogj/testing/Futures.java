package org.sheepdogj.testing;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Waiting for a client call in a test, bounded so that a lost answer fails the test instead of hanging it. */
public final class Futures {
    private Futures() {
    }

    public static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(180, TimeUnit.SECONDS);
    }
}
