package org.sheepdogj.protocol;

/** {@code SD_CLUSTER_FLAG_*}: the cluster's settings given at format time. */
public final class ClusterFlags {
    /** Refuse writes when fewer zones than copies are alive. */
    public static final int STRICT = 0x0001;
    public static final int DISKMODE = 0x0002;
    /** Virtual nodes follow each node's free space. */
    public static final int AUTO_VNODES = 0x0004;
    /** LOCK_VDI really locks. */
    public static final int USE_LOCK = 0x0008;
    public static final int RECYCLE_VID = 0x0010;
    public static final int AVOID_DISKFULL = 0x0020;

    private ClusterFlags() {
    }
}
