package org.sheepdogj.vdi;

import org.apache.pekko.actor.typed.ActorRef;
import org.sheepdogj.cluster.ClusterState;
import org.sheepdogj.peer.ObjectIo;

/** The node's services a VDI actor works with. */
record VdiContext(ClusterState cluster, ObjectIo objects, VdiTable table, ActorRef<VdiRegistry.Command> registry,
                  Reclaimer reclaimer) {
}
