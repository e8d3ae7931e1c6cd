package org.sheepdogj.peer;

/**
 * What the VDI layer knows about an object that the replication layer needs: how many copies it keeps and how large
 * a freshly created one is. Defined here, implemented above (the replication layer knows no VDIs).
 */
public interface ObjectPolicy {
    /** Copies of the object when a request does not say ({@code obj.copies == 0}). */
    int copiesOf(long oid);

    /** The full size of the object when it is created. */
    long sizeOf(long oid);

    /** True if the object belongs to a snapshot and may no longer change ({@code oid_is_readonly}). */
    boolean isReadonly(long oid);
}
