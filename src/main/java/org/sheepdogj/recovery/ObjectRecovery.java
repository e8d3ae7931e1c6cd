package org.sheepdogj.recovery;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.sheepdogj.peer.PeerService;
import org.sheepdogj.peer.PeerTransport;
import org.sheepdogj.peer.RecoveryList;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.ProtocolVersion;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.ResultCode;

/**
 * One actor per object under recovery: it reads the object whole from the freshest source that answers (a recovery
 * READ_PEER, served in the same epoch) and stores it here, then tells its manager and stops. When this node holds a
 * copy of the object set aside at an earlier epoch (it was down, or the object moved away and back) and that copy's
 * hash is the source's, as sheep compares them, the copy is read here instead: a node back from a restart does not
 * fetch over the network what it already has.
 */
final class ObjectRecovery {
    /**
     * How an object's recovery for {@code plan} ended: stored, or no source could give it (or the epoch moved on);
     * {@code gone}: every source answered that it has no such object, so it was removed since it was listed;
     * {@code kept}: stored from this node's own set-aside copy.
     */
    record Outcome(long oid, RecoveryPlan plan, boolean stored, boolean gone, boolean kept, String why)
            implements RecoveryManager.Command {
    }

    private ObjectRecovery() {
    }

    static Behavior<Outcome> create(long oid, RecoveryPlan plan, int maxLength, PeerTransport transport,
                                    PeerService local, ActorRef<RecoveryManager.Command> manager) {
        return Behaviors.setup(ctx -> {
            Fetch f = new Fetch(oid, plan, maxLength, transport, local);
            ctx.pipeToSelf(f.from(0, true, "no source"),
                    (o, e) -> e == null ? o : new Outcome(oid, plan, false, false, false, e.toString()));
            return Behaviors.receiveMessage(o -> {
                manager.tell(o);
                return Behaviors.stopped();
            });
        });
    }

    private record Fetch(long oid, RecoveryPlan plan, int maxLength, PeerTransport transport, PeerService local) {
        /** Tries the sources from the {@code i}-th on. */
        CompletionStage<Outcome> from(int i, boolean gone, String lastError) {
            List<RecoveryPlan.Source> sources = plan.objects().get(oid);
            if (i >= sources.size()) {
                return CompletableFuture.completedFuture(new Outcome(oid, plan, false, gone, false, lastError));
            }
            RecoveryPlan.Source source = sources.get(i);
            return ownCopyLike(source).thenCompose(own -> own == null ? read(i, source, gone)
                    : transport.send(own.node(), readRequest(own)).thenCompose(r -> r.ok() ? store(r, true)
                            : read(i, source, gone)));
        }

        private CompletionStage<Outcome> read(int i, RecoveryPlan.Source source, boolean gone) {
            boolean here = source.node().equals(plan.view().self().nid());
            return transport.send(source.node(), readRequest(source)).thenCompose(r -> r.ok() ? store(r, here)
                    : from(i + 1, gone && r.result() == ResultCode.NO_OBJ,
                            source.node() + ": " + ResultCode.describe(r.result())));
        }

        private CompletionStage<Outcome> store(Response r, boolean kept) {
            return local.storeRecovered(oid, plan.view(), r.payload()).thenApply(stored ->
                    new Outcome(oid, plan, stored, false, kept && stored, stored ? null : "the epoch moved on"));
        }

        /**
         * This node's set-aside copy if its hash is that of {@code source}'s copy, else null (also when a hash cannot
         * be had: the source is then read as it would be without the copy).
         */
        private CompletionStage<RecoveryPlan.Source> ownCopyLike(RecoveryPlan.Source source) {
            NodeId self = plan.view().self().nid();
            RecoveryPlan.Source own = plan.objects().get(oid).stream()
                    .filter(c -> c.node().equals(self) && c.tag() != RecoveryList.LIVE).findFirst().orElse(null);
            if (own == null || source.node().equals(self)) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Response> theirs = transport.send(source.node(), hashRequest(source))
                    .toCompletableFuture();
            CompletableFuture<Response> ours = transport.send(self, hashRequest(own)).toCompletableFuture();
            return theirs.thenCombine(ours, (t, o) -> t.ok() && o.ok()
                    && Arrays.equals(t.header().digest(), o.header().digest()) ? own : null)
                    .handle((same, failure) -> failure == null ? same : null);
        }

        private Request readRequest(RecoveryPlan.Source s) {
            return Request.of(new RequestHeader(ProtocolVersion.SHEEP, Opcode.READ_PEER, Flags.RECOVERY,
                    plan.epoch(), 0, maxLength, oid, plan.view().config().ctime(), (long) s.tag() << 32, 0));
        }

        /** GET_HASH of the copy: the live object if the node has it, else its set-aside copy of that epoch. */
        private Request hashRequest(RecoveryPlan.Source s) {
            return Request.of(new RequestHeader(ProtocolVersion.SHEEP, Opcode.GET_HASH, 0, plan.epoch(), 0, 0, oid,
                    0, (long) s.tag() << 32, 0));
        }
    }
}
