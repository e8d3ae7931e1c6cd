package org.sheepdogj.vdi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Oid;

/**
 * The references a change of an inode's index drops ({@code update_obj_refcnt}): every entry that held an object
 * and now holds another or none gives up one reference of its generation.
 */
public final class IndexChange {

    /** One reference to drop: the object, and the generation and count its index entry had. */
    public record Drop(long dataOid, int generation, int count) {
    }

    private IndexChange() {
    }

    /**
     * The drops of a write of {@code newVids} over the entries from {@code start}, which held {@code oldVids} with the
     * generation references {@code oldRefs}.
     */
    public static List<Drop> dropped(int start, byte[] oldVids, byte[] oldRefs, byte[] newVids) {
        ByteBuffer ov = ByteBuffer.wrap(oldVids).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer or = ByteBuffer.wrap(oldRefs).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer nv = ByteBuffer.wrap(newVids).order(ByteOrder.LITTLE_ENDIAN);
        int count = Math.min(oldVids.length, newVids.length) / 4;
        List<Drop> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int before = ov.getInt(i * 4);
            if (before != 0 && before != nv.getInt(i * 4)) {
                out.add(new Drop(Oid.vidToDataOid(before, start + i), or.getInt(i * 8), or.getInt(i * 8 + 4)));
            }
        }
        return out;
    }

    /** Whether a write of {@code newVids} over entries that held {@code oldVids} names an object one did not hold. */
    public static boolean gainsObject(byte[] oldVids, byte[] newVids) {
        ByteBuffer ov = ByteBuffer.wrap(oldVids).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer nv = ByteBuffer.wrap(newVids).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 4 <= Math.min(oldVids.length, newVids.length); i += 4) {
            int now = nv.getInt(i);
            if (now != 0 && now != ov.getInt(i)) {
                return true;
            }
        }
        return false;
    }

    /** The drops of wiping a whole inode: every allocated entry. */
    public static List<Drop> all(byte[] inode) {
        ByteBuffer b = ByteBuffer.wrap(inode).order(ByteOrder.LITTLE_ENDIAN);
        List<Drop> out = new ArrayList<>();
        for (int i = 0; i < Inode.DATA_INDEX_COUNT; i++) {
            int entry = b.getInt(Inode.indexOffset(i));
            if (entry != 0) {
                int g = Inode.grefOffset(i);
                out.add(new Drop(Oid.vidToDataOid(entry, i), b.getInt(g), b.getInt(g + 4)));
            }
        }
        return out;
    }
}
