package org.sheepdogj.management;

/**
 * A node in JMX ({@code org.sheepdogj:type=Node,port=SHEEPDOG_PORT}), beside Pekko's cluster MBean
 * ({@code pekko:type=Cluster,...}). Store figures are bytes of the store's file system.
 */
public interface NodeMXBean {
    String getAddress();

    int getZone();

    int getEpoch();

    String getClusterStatus();

    long getStoreSize();

    long getStoreUsed();

    long getStoreFree();

    long getRequestsInFlight();

    long getBytesInFlight();

    long getConnections();

    long getRequestsServed();

    /** idle, listing, recovering or paused. */
    String getRecoveryPhase();

    int getRecoveryEpoch();

    long getRecoveryObjectsDone();

    long getRecoveryObjectsTotal();

    long getRecoveryObjectsLeft();
}
