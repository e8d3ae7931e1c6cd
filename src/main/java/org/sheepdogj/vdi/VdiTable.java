package org.sheepdogj.vdi;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.sheepdogj.cluster.ClusterState;
import org.sheepdogj.cluster.ClusterView;
import org.sheepdogj.peer.ObjectPolicy;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Limits;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.VdiAttr;

/**
 * This node's copy of every VDI id's {@link VdiState}, kept current by the {@link VdiRegistry}. Requests read it
 * on every object operation (copies, object size, read-only), so it is a concurrent map, not an actor.
 */
public final class VdiTable implements ObjectPolicy {
    private final ConcurrentHashMap<Integer, VdiState> states = new ConcurrentHashMap<>();
    private final ClusterState cluster;
    private final List<Consumer<Collection<VdiState>>> listeners = new CopyOnWriteArrayList<>();

    public VdiTable(ClusterState cluster) {
        this.cluster = cluster;
    }

    public Optional<VdiState> get(int vid) {
        return Optional.ofNullable(states.get(vid));
    }

    /** Every visible state (not pending), by VDI id. */
    public List<VdiState> all() {
        List<VdiState> out = new ArrayList<>();
        for (VdiState s : states.values()) {
            if (!s.pending()) {
                out.add(s);
            }
        }
        out.sort(Comparator.comparingInt(VdiState::vid));
        return out;
    }

    /** {@code listener} hears of every change, with the states that changed, after the table has them. */
    void subscribe(Consumer<Collection<VdiState>> listener) {
        listeners.add(listener);
    }

    void replace(Collection<VdiState> all) {
        states.clear();
        putAll(all);
    }

    void putAll(Collection<VdiState> changed) {
        for (VdiState s : changed) {
            states.put(s.vid(), s);
        }
        listeners.forEach(l -> l.accept(changed));
    }

    /** READ_VDIS: bit n set for every VDI id in use. */
    public byte[] inUseBitmap() {
        return bitmap(false);
    }

    /** READ_DEL_VDIS: bit n set for every deleted VDI id. */
    public byte[] deletedBitmap() {
        return bitmap(true);
    }

    private byte[] bitmap(boolean deletedOnly) {
        byte[] bits = new byte[Limits.VDI_BITMAP_SIZE];
        ByteBuffer b = ByteBuffer.wrap(bits);
        for (VdiState s : states.values()) {
            if (!s.pending() && (!deletedOnly || s.deleted())) {
                int vid = s.vid();
                b.put(vid >>> 3, (byte) (b.get(vid >>> 3) | (1 << (vid & 7))));
            }
        }
        return bits;
    }

    @Override
    public int copiesOf(long oid) {
        ClusterView v = cluster.current();
        if (!Oid.isMetaObj(oid)) {
            VdiState s = states.get(Oid.toVid(oid));
            if (s != null && s.copies() > 0) {
                return s.copies();
            }
        }
        return Math.max(1, v.config().copies());
    }

    @Override
    public long sizeOf(long oid) {
        if (Oid.isVdiObj(oid)) {
            return Inode.SIZE;
        }
        if (Oid.isAttrObj(oid)) {
            return VdiAttr.SIZE;
        }
        if (Oid.isDataObj(oid) || Oid.isVmstateObj(oid)) {
            VdiState s = states.get(Oid.toVid(oid));
            int shift = s != null ? s.blockSizeShift() : cluster.current().config().blockSizeShift();
            return 1L << (shift == 0 ? Limits.DEFAULT_BLOCK_SIZE_SHIFT : shift);
        }
        return 0;
    }

    @Override
    public boolean isReadonly(long oid) {
        if (!Oid.isDataObj(oid)) {
            return false;
        }
        VdiState s = states.get(Oid.toVid(oid));
        return s != null && s.snapshot();
    }
}
