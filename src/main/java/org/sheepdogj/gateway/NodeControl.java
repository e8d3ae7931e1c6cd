package org.sheepdogj.gateway;

import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.Response;

/** What a request may do to the node process itself: stop it, read or set its log level. */
public interface NodeControl {
    /** KILL_NODE: the node leaves at once. */
    void kill();

    /** GET_LOGLEVEL. */
    Response logLevel();

    /** SET_LOGLEVEL. */
    Response setLogLevel(Request req);
}
