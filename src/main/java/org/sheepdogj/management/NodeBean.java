package org.sheepdogj.management;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The node's MBean; each read asks the node afresh, so a JMX console shows the current figures. */
final class NodeBean implements NodeMXBean {
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(5);

    private final LocalNode node;

    NodeBean(LocalNode node) {
        this.node = node;
    }

    static ObjectName name(int port) {
        try {
            return new ObjectName("org.sheepdogj:type=Node,port=" + port);
        } catch (JMException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Registers the bean on the platform MBean server; returns what unregisters it. */
    Runnable register() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = name(node.view().self().nid().port());
        try {
            server.registerMBean(this, name);
        } catch (JMException e) {
            throw new IllegalStateException("cannot register " + name + ": " + e.getMessage(), e);
        }
        return () -> {
            try {
                server.unregisterMBean(name);
            } catch (JMException gone) {
                // already unregistered: nothing to undo
            }
        };
    }

    @Override
    public String getAddress() {
        return node.address();
    }

    @Override
    public int getZone() {
        return node.view().self().zone();
    }

    @Override
    public int getEpoch() {
        return node.view().epoch();
    }

    @Override
    public String getClusterStatus() {
        return StatusQueries.status(node.view());
    }

    @Override
    public long getStoreSize() {
        return node.space().size();
    }

    @Override
    public long getStoreUsed() {
        return node.space().used();
    }

    @Override
    public long getStoreFree() {
        return node.space().free();
    }

    @Override
    public long getRequestsInFlight() {
        return node.requestsInFlight();
    }

    @Override
    public long getBytesInFlight() {
        return node.bytesInFlight();
    }

    @Override
    public long getConnections() {
        return node.connections();
    }

    @Override
    public long getRequestsServed() {
        return node.requests().answered();
    }

    @Override
    public String getRecoveryPhase() {
        return recovery().phase();
    }

    @Override
    public int getRecoveryEpoch() {
        return recovery().epoch();
    }

    @Override
    public long getRecoveryObjectsDone() {
        return recovery().done();
    }

    @Override
    public long getRecoveryObjectsTotal() {
        return recovery().total();
    }

    @Override
    public long getRecoveryObjectsLeft() {
        return node.recoveryLeft();
    }

    /** The recovery actor holds the progress; a JMX read may wait for it a moment (never on a Pekko thread). */
    private RecoveryState recovery() {
        try {
            return node.recovery().toCompletableFuture().get(RECOVERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("recovery progress unavailable: " + e, e);
        }
    }
}
