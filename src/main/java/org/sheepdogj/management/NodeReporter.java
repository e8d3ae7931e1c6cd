package org.sheepdogj.management;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.sheepdogj.cluster.CborSerializable;

/**
 * One actor per node, known to the cluster's receptionist, that answers with the node's {@link NodeReport}; any
 * node's HTTP server gathers the reports of all of them. The sheepdog protocol has no request for a node's load or
 * I/O counters, so these travel between nodes through Pekko instead.
 */
final class NodeReporter {
    static final ServiceKey<Ask> KEY = ServiceKey.create(Ask.class, "sheepdog-node-report");

    record Ask(ActorRef<NodeReport> replyTo) implements CborSerializable {
    }

    private NodeReporter() {
    }

    static Behavior<Ask> create(LocalNode local) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
            return Behaviors.receiveMessage(ask -> {
                local.report().thenAccept(ask.replyTo()::tell);
                return Behaviors.same();
            });
        });
    }

    /** The reports of every node that answers within {@code timeout}, by node address; the silent are left out. */
    static CompletionStage<Map<String, NodeReport>> gather(ActorSystem<?> system, Duration timeout) {
        return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
                        r -> Receptionist.find(KEY, r), timeout, system.scheduler())
                .thenCompose(listing -> {
                    List<CompletableFuture<NodeReport>> asks = new ArrayList<>();
                    for (ActorRef<Ask> ref : listing.getServiceInstances(KEY)) {
                        asks.add(AskPattern.ask(ref, Ask::new, timeout, system.scheduler())
                                .exceptionally(silent -> null).toCompletableFuture());
                    }
                    return CompletableFuture.allOf(asks.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
                        Map<String, NodeReport> out = new TreeMap<>();
                        for (CompletableFuture<NodeReport> a : asks) {
                            NodeReport r = a.join();
                            if (r != null) {
                                out.put(r.address(), r);
                            }
                        }
                        return out;
                    });
                });
    }
}
