package org.sheepdogj.recovery;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.sheepdogj.peer.PeerService;
import org.sheepdogj.peer.PeerTransport;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.ProtocolVersion;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.ResultCode;

/**
 * One actor per object under recovery: it reads the object whole from the freshest source that answers (a recovery
 * READ_PEER, served in the same epoch) and stores it here, then tells its manager and stops.
 */
final class ObjectRecovery {
    /**
     * How an object's recovery for {@code plan} ended: stored, or no source could give it (or the epoch moved on);
     * {@code gone}: every source answered that it has no such object, so it was removed since it was listed.
     */
    record Outcome(long oid, RecoveryPlan plan, boolean stored, boolean gone, String why)
            implements RecoveryManager.Command {
    }

    private ObjectRecovery() {
    }

    static Behavior<Outcome> create(long oid, RecoveryPlan plan, int maxLength, PeerTransport transport,
                                    PeerService local, ActorRef<RecoveryManager.Command> manager) {
        return Behaviors.setup(ctx -> {
            ctx.pipeToSelf(fetch(oid, plan, 0, maxLength, transport, local, true, "no source"),
                    (o, e) -> e == null ? o : new Outcome(oid, plan, false, false, e.toString()));
            return Behaviors.receiveMessage(o -> {
                manager.tell(o);
                return Behaviors.stopped();
            });
        });
    }

    private static CompletionStage<Outcome> fetch(long oid, RecoveryPlan plan, int i, int maxLength,
                                                  PeerTransport transport, PeerService local, boolean gone,
                                                  String lastError) {
        List<RecoveryPlan.Source> sources = plan.objects().get(oid);
        if (i >= sources.size()) {
            return CompletableFuture.completedFuture(new Outcome(oid, plan, false, gone, lastError));
        }
        RecoveryPlan.Source s = sources.get(i);
        long word2 = (long) s.tag() << 32;
        RequestHeader h = new RequestHeader(ProtocolVersion.SHEEP, Opcode.READ_PEER, Flags.RECOVERY, plan.epoch(), 0,
                maxLength, oid, 0, word2, 0);
        return transport.send(s.node(), Request.of(h)).thenCompose(r -> {
            if (!r.ok()) {
                return fetch(oid, plan, i + 1, maxLength, transport, local, gone && r.result() == ResultCode.NO_OBJ,
                        s.node() + ": " + ResultCode.describe(r.result()));
            }
            return local.storeRecovered(oid, plan.view(), r.payload()).thenApply(stored ->
                    new Outcome(oid, plan, stored, false, stored ? null : "the epoch moved on"));
        });
    }
}
