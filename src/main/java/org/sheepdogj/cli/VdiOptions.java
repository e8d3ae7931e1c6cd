package org.sheepdogj.cli;

/** The options of {@code dog vdi ...} as its parser leaves them ({@code struct vdi_cmd_data}). */
final class VdiOptions {
    /** {@code -i}; all bits set when not given. */
    long index = -1;
    int snapshotId;
    String snapshotTag = "";
    boolean exclusive;
    boolean delete;
    boolean prealloc;
    int copies;
    int copyPolicy;
    int blockSizeShift;
    boolean writeback;
    int fromSnapshotId;
    String fromSnapshotTag = "";
    boolean force;
    int storePolicy;
    long oid;
    boolean noShare;
    boolean exist;
    boolean reduceIdenticalSnapshots;

    boolean snapshotGiven() {
        return snapshotId != 0 || !snapshotTag.isEmpty();
    }
}
