package org.sheepdogj.recovery;

import org.sheepdogj.peer.ObjectPolicy;

/** Every object with the same number of copies and size, none read-only. */
record FixedPolicy(int copies, long size) implements ObjectPolicy {
    @Override
    public int copiesOf(long oid) {
        return copies;
    }

    @Override
    public long sizeOf(long oid) {
        return size;
    }

    @Override
    public boolean isReadonly(long oid) {
        return false;
    }
}
