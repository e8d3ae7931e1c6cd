package org.sheepdogj.management;

import java.util.function.IntSupplier;

import org.sheepdogj.cluster.ClusterState;
import org.sheepdogj.gateway.SheepdogServer;
import org.sheepdogj.peer.ObjectIo;
import org.sheepdogj.recovery.RecoveryRequests;
import org.sheepdogj.store.ObjectStore;
import org.sheepdogj.vdi.VdiTable;

/**
 * The parts of a running node that the management layer reads. {@code recoveryLeft} counts the objects this node
 * still has to fetch in the current epoch, readable at any moment without asking the recovery actor.
 */
public record NodeSources(ClusterState cluster, ObjectStore store, SheepdogServer server, RecoveryRequests recovery,
                          IntSupplier recoveryLeft, VdiTable vdis, ObjectIo objects) {
}
