package org.sheepdogj.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sheepdogj.testing.Futures.get;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
    @TempDir
    Path dir;

    @Test
    void vdisAreCreatedAfterANodeLeftBeforeItSawItselfUp() throws Exception {
        try (TestNode first = TestNode.start(dir.resolve("first"), Map.of("sheepdog.zone", 1));
             SheepdogConnection c = first.connect()) {
            get(Sheepdog.format(c, 1, 0));
            Cluster cluster = Cluster.get(first.node().system());
            CompletableFuture<Cluster> joiner = new CompletableFuture<>();
            CompletableFuture<Member> up = new CompletableFuture<>();
            CompletableFuture<Member> removed = new CompletableFuture<>();
            first.node().system().systemActorOf(Behaviors.<ClusterEvent.MemberEvent>setup(ctx -> {
                cluster.subscriptions().tell(Subscribe.create(ctx.getSelf(), ClusterEvent.MemberEvent.class));
                return Behaviors.receiveMessage(event -> {
                    joiner.thenAccept(j -> {
                        Address address = j.selfMember().address();
                        if (event instanceof ClusterEvent.MemberUp u && u.member().address().equals(address)) {
                            up.complete(u.member());
                            j.manager().tell(Leave.create(address));
                        } else if (event instanceof ClusterEvent.MemberRemoved r
                                && r.member().address().equals(address)) {
                            removed.complete(r.member());
                        }
                    });
                    return Behaviors.same();
                });
            }), "leave-when-up", Props.empty());

            try (TestNode second = TestNode.start(dir.resolve("second"), Map.of("sheepdog.zone", 2,
                    "sheepdog.join", List.of("127.0.0.1:" + first.node().settings().clusterPort())))) {
                joiner.complete(Cluster.get(second.node().system()));
                // the age of a member is its rank in being moved Up; a leave sent as Joining carries none
                assertTrue(up.get(60, TimeUnit.SECONDS).isOlderThan(removed.get(60, TimeUnit.SECONDS)),
                        "the joiner left before it saw itself Up: its age changed on the way");
            }
            for (int i = 0; i < 8; i++) {
                int vid = get(Sheepdog.createVdi(c, "after-" + i, 4 << 20));
                assertEquals(vid, get(Sheepdog.vdiInfo(c, "after-" + i, "", 0)), "VDI after-" + i + " found");
            }
        }
    }
}
