package org.sheepdogj.cluster;

import java.util.List;

import org.sheepdogj.placement.Ring;
import org.sheepdogj.protocol.ClusterInfo;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;
import org.sheepdogj.store.ClusterConfig;

/**
 * What a node knows of the cluster at one moment: the format, the epoch, its members and their ring, and the status
 * that gates client requests. Immutable: a new view replaces the old one at every change.
 */
public record ClusterView(SdNode self, ClusterConfig config, int epoch, long epochTime, List<SdNode> nodes, Ring ring,
                          int status, boolean recoveryDisabled, int gatheredEpoch) {

    public static ClusterView initial(SdNode self, ClusterConfig config) {
        return new ClusterView(self, config, 0, 0, List.of(self), new Ring(List.of(self)), ClusterInfo.STATUS_WAIT,
                false, 0);
    }

    public boolean formatted() {
        return config.formatted();
    }

    public boolean running() {
        return status == ClusterInfo.STATUS_OK;
    }

    /**
     * The answer a request that is not allowed in this status gets ({@code queue_request}), or SUCCESS when requests
     * may run.
     */
    public int gate(boolean forceOp) {
        return switch (status) {
            case ClusterInfo.STATUS_OK -> ResultCode.SUCCESS;
            case ClusterInfo.STATUS_KILLED -> ResultCode.KILLED;
            case ClusterInfo.STATUS_SHUTDOWN -> ResultCode.SHUTDOWN;
            default -> forceOp ? ResultCode.SUCCESS : waitResult();
        };
    }

    /** WAIT_FOR_FORMAT before the first format, WAIT_FOR_JOIN while members of the last epoch are missing. */
    public int waitResult() {
        return formatted() ? ResultCode.WAIT_FOR_JOIN : ResultCode.WAIT_FOR_FORMAT;
    }

    /** The result STAT_CLUSTER reports for this status. */
    public int statusResult() {
        return switch (status) {
            case ClusterInfo.STATUS_OK -> ResultCode.SUCCESS;
            case ClusterInfo.STATUS_SHUTDOWN -> ResultCode.SHUTDOWN;
            case ClusterInfo.STATUS_KILLED -> ResultCode.KILLED;
            default -> waitResult();
        };
    }

    /** This node's view after the coordinator's decision: the members sorted, this node's entry as they list it. */
    public ClusterView next(ClusterConfig newConfig, int newEpoch, long time, List<SdNode> members, int newStatus,
                            boolean disabled, int gathered) {
        List<SdNode> sorted = members.stream().sorted().toList();
        SdNode me = sorted.stream().filter(n -> n.nid().equals(self.nid())).findFirst().orElse(self);
        return new ClusterView(me, newConfig, newEpoch, time, sorted, new Ring(sorted), newStatus, disabled, gathered);
    }

    /**
     * Whether two views are of one epoch: the same number of the same format. A format starts again at epoch 1, which
     * the cluster may already be at, and what belonged to the earlier epoch 1 must not count in the new one.
     */
    public boolean sameEpoch(ClusterView other) {
        return epoch == other.epoch && config.ctime() == other.config.ctime();
    }

    /** Whether this node is one of the members. */
    public boolean isMember() {
        return nodes.stream().anyMatch(n -> n.nid().equals(self.nid()));
    }
}
