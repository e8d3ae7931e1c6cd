package org.sheepdogj.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sheepdogj.testing.Futures.get;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Leave;
import org.apache.pekko.cluster.typed.Subscribe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.testing.TestNode;

/**
 * A node stopped so soon after joining that it leaves before it has seen itself Up (a node started by mistake and
 * stopped at once). Its leave carries the age of a Joining member, so the Up member and the Removed one differ in age;
 * Pekko 1.2.1's replicator, when it prefers the oldest nodes, keeps such a member for ever and the shard coordinator
 * writes to it in vain: every VDI whose shard was not yet placed could no longer be created on the nodes that stayed.
 */
class EarlyLeaveTest {
    private static final int TRIES = 5;

    @TempDir
    Path dir;

    @Test
    void vdisAreCreatedAfterANodeLeftBeforeItSawItselfUp() throws Exception {
        try (TestNode first = TestNode.start(dir.resolve("first"), Map.of("sheepdog.zone", 1));
             SheepdogConnection c = first.connect()) {
            get(Sheepdog.format(c, 1, 0));
            Cluster cluster = Cluster.get(first.node().system());
            AtomicReference<Cluster> joiner = new AtomicReference<>();
            Map<Address, CompletableFuture<Member>> up = new ConcurrentHashMap<>();
            Map<Address, CompletableFuture<Member>> removed = new ConcurrentHashMap<>();
            first.node().system().systemActorOf(Behaviors.<ClusterEvent.MemberEvent>setup(ctx -> {
                cluster.subscriptions().tell(Subscribe.create(ctx.getSelf(), ClusterEvent.MemberEvent.class));
                return Behaviors.receiveMessage(event -> {
                    Address address = event.member().address();
                    if (event instanceof ClusterEvent.MemberUp) {
                        Cluster now = joiner.get();
                        if (now != null && now.selfMember().address().equals(address)) {
                            now.manager().tell(Leave.create(address));
                        }
                        eventOf(up, address).complete(event.member());
                    } else if (event instanceof ClusterEvent.MemberRemoved) {
                        eventOf(removed, address).complete(event.member());
                    }
                    return Behaviors.same();
                });
            }), "leave-when-up", Props.empty());

            // the leave races the gossip that tells the joiner it is Up; under load the gossip can win
            boolean raced = false;
            for (int i = 0; i < TRIES && !raced; i++) {
                try (TestNode node = TestNode.start(dir.resolve("joiner-" + i), Map.of("sheepdog.zone", 2,
                        "sheepdog.join", List.of("127.0.0.1:" + first.node().settings().clusterPort())))) {
                    Cluster now = Cluster.get(node.node().system());
                    Address address = now.selfMember().address();
                    joiner.set(now);
                    Member moved = eventOf(up, address).get(60, TimeUnit.SECONDS);
                    // again, for a joiner moved Up before it was known here (a second leave changes nothing)
                    now.manager().tell(Leave.create(address));
                    // the age of a member is its rank in being moved Up; a leave sent as Joining carries none
                    raced = moved.isOlderThan(eventOf(removed, address).get(60, TimeUnit.SECONDS));
                }
            }
            assertTrue(raced, "in " + TRIES + " tries, no joiner left before it saw itself Up");
            for (int i = 0; i < 8; i++) {
                int vid = get(Sheepdog.createVdi(c, "after-" + i, 4 << 20));
                assertEquals(vid, get(Sheepdog.vdiInfo(c, "after-" + i, "", 0)), "VDI after-" + i + " found");
            }
        }
    }

    private static CompletableFuture<Member> eventOf(Map<Address, CompletableFuture<Member>> events, Address address) {
        return events.computeIfAbsent(address, a -> new CompletableFuture<>());
    }
}
