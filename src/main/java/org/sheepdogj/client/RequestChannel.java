package org.sheepdogj.client;

import java.util.concurrent.CompletionStage;

import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.Response;

/**
 * Something that answers sheepdog requests: a connection to a node, or a node's own dispatcher. It may give a request
 * an id of its own (answers are matched to requests by it).
 */
public interface RequestChannel {
    CompletionStage<Response> submit(Request request);
}
