package org.sheepdogj.management;

import java.util.List;

/** The JSON documents of {@code /v1}, as records that Jackson writes field by field. */
public final class Api {
    private Api() {
    }

    /** sheep's times (format, inode creation, snapshot) hold seconds in the high 32 bits, nanoseconds in the low. */
    static long seconds(long sheepTime) {
        return sheepTime >>> 32;
    }

    /** {@code /v1/cluster}: the cluster as this node sees it. Times are seconds since the epoch. */
    public record Cluster(String status, int epoch, long epochTime, int copies, String backend, long formatTime,
                          int blockSizeShift, int nodes, boolean recoveryEnabled, String self) {
    }

    /** {@code /v1/nodes}: the members of the current epoch. */
    public record Nodes(int epoch, List<Node> nodes) {
    }

    /**
     * One member. {@code disk}, {@code load} and {@code io} are absent when the node did not answer in time
     * ({@code reachable} false).
     */
    public record Node(String address, int zone, int vnodes, boolean gateway, boolean self, boolean reachable,
                       Disk disk, Load load, IoTotals io) {
    }

    public record Disk(long size, long used, long free) {
    }

    public record Load(long requestsInFlight, long bytesInFlight, long connections) {
    }

    /** {@code /v1/recovery}: each member's recovery in the current epoch. */
    public record Recovery(int epoch, List<NodeRecovery> nodes) {
    }

    /** {@code state} is absent when the node did not answer in time. */
    public record NodeRecovery(String address, boolean reachable, RecoveryState state) {
    }

    /** {@code /v1/vdis}: every VDI name, sorted. */
    public record Vdis(List<VdiFamily> vdis) {
    }

    /**
     * One VDI name: its working VDI (absent when only snapshots are left), its snapshots oldest first, the snapshot it
     * was cloned from (absent unless it is a clone) and the clones made from its snapshots.
     */
    public record VdiFamily(String name, Vdi working, List<Vdi> snapshots, Source clonedFrom, List<Clone> clones) {
    }

    /** One VDI id, from its inode; times in seconds since the epoch, {@code snapshotTime} absent for a working VDI. */
    public record Vdi(int id, int snapId, String tag, long size, int copies, int blockSizeShift, long createTime,
                      Long snapshotTime, int parentId, boolean locked) {
    }

    /** A snapshot a clone started from. */
    public record Source(String name, int id, int snapId, String tag) {
    }

    /** A clone made from snapshot {@code fromId} of this name. */
    public record Clone(String name, int id, int fromId) {
    }

    public record Error(String error) {
    }
}
