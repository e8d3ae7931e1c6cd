package org.sheepdogj.vdi;

import org.sheepdogj.cluster.CborSerializable;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.VdiStateEntry;

/**
 * What every node must know about a VDI id without asking ({@code struct vdi_state} plus the name): its copies and
 * object size for placement, whether it is a snapshot (its data objects are read-only), deleted, or still being
 * created (pending: allocated but not yet visible), and its lock: the node that took it and the LOCK_VDI request
 * that did ({@code lockAttempt}), which may ask again when its answer was lost.
 */
public record VdiState(int vid, String name, boolean snapshot, boolean deleted, boolean pending, int copies,
                       int copyPolicy, int blockSizeShift, int parentVid, int lockState, NodeId lockOwner,
                       long lockAttempt) implements CborSerializable {

    public VdiState withSnapshot(boolean value) {
        return new VdiState(vid, name, value, deleted, pending, copies, copyPolicy, blockSizeShift, parentVid,
                lockState, lockOwner, lockAttempt);
    }

    public VdiState withDeleted(boolean value) {
        return new VdiState(vid, name, snapshot, value, pending, copies, copyPolicy, blockSizeShift, parentVid,
                lockState, lockOwner, lockAttempt);
    }

    public VdiState withPending(boolean value) {
        return new VdiState(vid, name, snapshot, deleted, value, copies, copyPolicy, blockSizeShift, parentVid,
                lockState, lockOwner, lockAttempt);
    }

    public VdiState withVid(int value) {
        return new VdiState(value, name, snapshot, deleted, pending, copies, copyPolicy, blockSizeShift, parentVid,
                lockState, lockOwner, lockAttempt);
    }

    public VdiState withLock(int state, NodeId owner, long attempt) {
        return new VdiState(vid, name, snapshot, deleted, pending, copies, copyPolicy, blockSizeShift, parentVid,
                state, owner, attempt);
    }

    public VdiState withCopies(int value) {
        return new VdiState(vid, name, snapshot, deleted, pending, value, copyPolicy, blockSizeShift, parentVid,
                lockState, lockOwner, lockAttempt);
    }

    public boolean locked() {
        return lockState == VdiStateEntry.LOCKED || lockState == VdiStateEntry.SHARED;
    }

    public VdiStateEntry toEntry() {
        return new VdiStateEntry(vid, copies, snapshot, deleted, copyPolicy, blockSizeShift, parentVid,
                lockState == 0 ? VdiStateEntry.UNLOCKED : lockState, lockOwner);
    }
}
