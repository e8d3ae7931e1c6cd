package org.sheepdogj.cluster;

import java.util.ArrayList;
import java.util.List;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.sheepdogj.store.NodeStore;

/**
 * Keeps in the store where the other members of the cluster are ({@code peers}), so that a node restarted without
 * {@code --join}, such as the one that formed the cluster, looks for its cluster there before it forms one of its own.
 * Runs on the I/O dispatcher: each change is written and synced before the next. A node left alone writes nothing, so
 * it still remembers where the others were.
 */
public final class PeerAddresses {
    private PeerAddresses() {
    }

    /** {@code HOST:PORT}, as {@code --join} takes it. */
    private static String format(Address a) {
        return a.host().get() + ":" + a.port().get();
    }

    public static Behavior<ClusterEvent.MemberEvent> recorder(NodeStore store) {
        return Behaviors.setup(ctx -> {
            Cluster cluster = Cluster.get(ctx.getSystem());
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf(), ClusterEvent.MemberEvent.class));
            Address self = cluster.selfMember().address();
            List<String> written = new ArrayList<>(store.readPeers());
            return Behaviors.receiveMessage(event -> {
                List<String> peers = new ArrayList<>();
                cluster.state().getMembers().forEach(m -> {
                    if (m.status() == MemberStatus.up() && !m.address().equals(self)) {
                        peers.add(format(m.address()));
                    }
                });
                peers.sort(String::compareTo);
                if (!peers.isEmpty() && !peers.equals(written)) {
                    store.writePeers(peers);
                    written.clear();
                    written.addAll(peers);
                }
                return Behaviors.same();
            });
        });
    }
}
