package org.sheepdogj.peer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.sheepdogj.store.ObjectStore;

/**
 * The object list a recovering node reads from each member (GET_OBJ_LIST with the RECOVERY flag): every live object
 * and every stale copy, as 16-byte entries (oid, epoch tag, padding), sent in pages. Entries are ordered by oid, then
 * tag, both unsigned, so that a live object ({@link #LIVE}, all ones) comes after its stale copies; a request asks
 * for the entries from a position on ({@code oid}, and the tag in {@code offset}), and the requester asks again from
 * after the last entry while a page comes back full. A node of millions of objects thus never needs one frame larger
 * than the protocol allows, and an object written or removed between two pages moves no other entry across a page.
 */
public final class RecoveryList {
    /** A stale copy's epoch in the list; live objects carry this tag. */
    public static final int LIVE = -1;
    public static final int ENTRY = 16;

    private RecoveryList() {
    }

    /** A position in the list: the first entry of a page, or the one after the last. */
    public record Position(long oid, int tag) {
        public static final Position START = new Position(0, 0);

        /** The position right after the entry ({@code oid}, {@code tag}). */
        public static Position after(long oid, int tag) {
            return tag == LIVE ? new Position(oid + 1, 0) : new Position(oid, tag + 1);
        }

        boolean isAfter(long entryOid, int entryTag) {
            int byOid = Long.compareUnsigned(oid, entryOid);
            return byOid > 0 || byOid == 0 && Integer.compareUnsigned(tag, entryTag) > 0;
        }
    }

    /** The entries of {@code live} and {@code stale} from {@code from} on, at most {@code capacity} of them. */
    public static byte[] page(List<Long> live, List<ObjectStore.StaleCopy> stale, Position from, int capacity) {
        long[] objects = live.stream().mapToLong(Long::longValue).filter(oid -> !from.isAfter(oid, LIVE)).toArray();
        // unsigned order: flipping the sign bit makes the signed sort of the array sort the oids as unsigned numbers
        flipSigns(objects);
        Arrays.sort(objects);
        flipSigns(objects);
        ObjectStore.StaleCopy[] copies = stale.stream().filter(s -> !from.isAfter(s.oid(), s.epoch()))
                .sorted(Comparator.comparing(ObjectStore.StaleCopy::oid, Long::compareUnsigned)
                        .thenComparing(ObjectStore.StaleCopy::epoch, Integer::compareUnsigned))
                .toArray(ObjectStore.StaleCopy[]::new);
        int count = (int) Math.min(capacity, (long) objects.length + copies.length);
        ByteBuffer b = ByteBuffer.allocate(count * ENTRY).order(ByteOrder.LITTLE_ENDIAN);
        int l = 0;
        int s = 0;
        for (int i = 0; i < count; i++) {
            // a stale copy of an oid always precedes its live object, since LIVE is the greatest tag
            if (s < copies.length && (l == objects.length || Long.compareUnsigned(copies[s].oid(), objects[l]) <= 0)) {
                b.putLong(copies[s].oid()).putInt(copies[s].epoch()).putInt(0);
                s++;
            } else {
                b.putLong(objects[l++]).putInt(LIVE).putInt(0);
            }
        }
        return b.array();
    }

    private static void flipSigns(long[] values) {
        for (int i = 0; i < values.length; i++) {
            values[i] ^= Long.MIN_VALUE;
        }
    }
}
