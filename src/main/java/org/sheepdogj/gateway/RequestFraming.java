package org.sheepdogj.gateway;

import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;
import org.sheepdogj.protocol.FrameParser;
import org.sheepdogj.protocol.Request;

/**
 * Cuts a connection's bytes into requests and admits each against the connection's and the node's
 * {@link ByteBudget}: until a request is admitted no more bytes are read. A header announcing more than the largest
 * legal request fails the stage, which closes the connection.
 */
public final class RequestFraming extends GraphStage<FlowShape<ByteString, RequestFraming.Admitted>> {

    /** A request allowed to run; {@link #release()} gives its bytes back when it is answered. */
    public record Admitted(Request request, long cost, ByteBudget connection, ByteBudget node) {
        public void release() {
            connection.release(cost);
            node.release(cost);
        }
    }

    private final Inlet<ByteString> in = Inlet.create("RequestFraming.in");
    private final Outlet<Admitted> out = Outlet.create("RequestFraming.out");
    private final FlowShape<ByteString, Admitted> shape = FlowShape.of(in, out);
    private final int maxPayload;
    private final ByteBudget connectionBudget;
    private final ByteBudget nodeBudget;

    public RequestFraming(int maxPayload, ByteBudget connectionBudget, ByteBudget nodeBudget) {
        this.maxPayload = maxPayload;
        this.connectionBudget = connectionBudget;
        this.nodeBudget = nodeBudget;
    }

    @Override
    public FlowShape<ByteString, Admitted> shape() {
        return shape;
    }

    @Override
    public GraphStageLogic createLogic(Attributes attrs) {
        return new GraphStageLogic(shape) {
            private final FrameParser<Request> parser = FrameParser.requests(maxPayload);
            private Request pending;
            private boolean upstreamDone;
            private AsyncCallback<Object> retry;

            @Override
            public void preStart() {
                retry = createAsyncCallback(x -> advance());
            }

            {
                setHandler(in, new AbstractInHandler() {
                    @Override
                    public void onPush() {
                        parser.append(grab(in));
                        advance();
                    }

                    @Override
                    public void onUpstreamFinish() {
                        upstreamDone = true;
                        advance();
                    }
                });
                setHandler(out, new AbstractOutHandler() {
                    @Override
                    public void onPull() {
                        advance();
                    }
                });
            }

            private void advance() {
                if (!isAvailable(out)) {
                    return;
                }
                if (pending == null) {
                    try {
                        pending = parser.poll();
                    } catch (FrameParser.FrameTooLargeException e) {
                        failStage(e);
                        return;
                    }
                }
                if (pending == null) {
                    if (upstreamDone) {
                        completeStage();
                    } else if (!hasBeenPulled(in)) {
                        pull(in);
                    }
                    return;
                }
                long cost = Math.max(0, pending.header().dataLength() & 0xffffffffL);
                Runnable wake = () -> retry.invoke(null);
                if (!nodeBudget.tryAcquire(cost, wake)) {
                    return;
                }
                if (!connectionBudget.tryAcquire(cost, wake)) {
                    nodeBudget.release(cost);
                    return;
                }
                Request r = pending;
                pending = null;
                push(out, new Admitted(r, cost, connectionBudget, nodeBudget));
            }
        };
    }
}
