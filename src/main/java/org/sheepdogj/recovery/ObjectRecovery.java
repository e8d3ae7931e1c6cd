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
    /** How an object's recovery ended: stored, or no source could give it (or the epoch moved on). */
    record Outcome(long oid, int epoch, boolean stored, String why) implements RecoveryManager.Command {
    }

    private ObjectRecovery() {
    }

    static Behavior<Outcome> create(long oid, int epoch, List<RecoveryPlan.Source> sources, int maxLength,
                                    PeerTransport transport, PeerService local, ActorRef<RecoveryManager.Command> manager) {
        return Behaviors.setup(ctx -> {
            ctx.pipeToSelf(fetch(oid, epoch, sources, 0, maxLength, transport, local, "no source"),
                    (o, e) -> e == null ? o : new Outcome(oid, epoch, false, e.toString()));
            return Behaviors.receiveMessage(o -> {
                manager.tell(o);
                return Behaviors.stopped();
            });
        });
    }

    private static CompletionStage<Outcome> fetch(long oid, int epoch, List<RecoveryPlan.Source> sources, int i,
                                                  int maxLength, PeerTransport transport, PeerService local,
                                                  String lastError) {
        if (i >= sources.size()) {
            return CompletableFuture.completedFuture(new Outcome(oid, epoch, false, lastError));
        }
        RecoveryPlan.Source s = sources.get(i);
        long word2 = (long) s.tag() << 32;
        RequestHeader h = new RequestHeader(ProtocolVersion.SHEEP, Opcode.READ_PEER, Flags.RECOVERY, epoch, 0,
                maxLength, oid, 0, word2, 0);
        return transport.send(s.node(), Request.of(h)).thenCompose(r -> {
            if (!r.ok()) {
                return fetch(oid, epoch, sources, i + 1, maxLength, transport, local,
                        s.node() + ": " + ResultCode.describe(r.result()));
            }
            return local.storeRecovered(oid, epoch, r.payload()).thenApply(stored ->
                    new Outcome(oid, epoch, stored, stored ? null : "the epoch moved on"));
        });
    }
}
