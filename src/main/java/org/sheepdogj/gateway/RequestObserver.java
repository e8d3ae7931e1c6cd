package org.sheepdogj.gateway;

import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.Response;

/**
 * Sees every request the {@link RequestDispatcher} answers, with its answer and how long it took. Called on the thread
 * that completes the answer: an observer must be quick and must not block.
 */
public interface RequestObserver {
    RequestObserver NONE = (request, response, nanos) -> { };

    void answered(Request request, Response response, long nanos);
}
