package org.sheepdogj.vdi;

import java.util.List;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.sheepdogj.cluster.CborSerializable;

/** One per node: receives the registry's changes and applies them to this node's {@link VdiTable}. */
public final class VdiTableKeeper {
    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "sheepdog-vdi-table");

    public sealed interface Command extends CborSerializable {
    }

    public record ReplaceAll(List<VdiState> states, ActorRef<Ack> replyTo) implements Command {
    }

    public record Upsert(List<VdiState> states, ActorRef<Ack> replyTo) implements Command {
    }

    public record Ack() implements CborSerializable {
    }

    private VdiTableKeeper() {
    }

    public static Behavior<Command> create(VdiTable table) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
            return Behaviors.receive(Command.class)
                    .onMessage(ReplaceAll.class, m -> {
                        table.replace(m.states());
                        m.replyTo().tell(new Ack());
                        return Behaviors.same();
                    })
                    .onMessage(Upsert.class, m -> {
                        table.putAll(m.states());
                        m.replyTo().tell(new Ack());
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
