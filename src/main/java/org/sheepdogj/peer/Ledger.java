package org.sheepdogj.peer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

import org.apache.pekko.util.ByteString;

/**
 * The reference counts of one data object ({@code LEDGER_BIT | oid}): a count per generation, as sheep keeps them,
 * plus the ids of the last drops applied, so that a drop arriving twice is applied once. Only sheepdog-j reads it.
 *
 * <p>Layout: u32 generations, u32 drop ids, i32 counts[generations], u64 ids[drop ids].
 */
final class Ledger {
    private static final int REMEMBERED = 256;

    private int[] counts;
    private final Deque<Long> applied;

    private Ledger(int[] counts, Deque<Long> applied) {
        this.counts = counts;
        this.applied = applied;
    }

    /** A ledger created on the first drop: one reference of generation 0 ({@code ledger[0] = 1}). */
    static Ledger fresh() {
        return new Ledger(new int[] {1}, new ArrayDeque<>());
    }

    static Ledger decode(ByteString bytes) {
        ByteBuffer b = bytes.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int n = b.getInt(0);
        int ids = b.getInt(4);
        int[] counts = new int[n];
        for (int i = 0; i < n; i++) {
            counts[i] = b.getInt(8 + 4 * i);
        }
        Deque<Long> applied = new ArrayDeque<>();
        for (int i = 0; i < ids; i++) {
            applied.add(b.getLong(8 + 4 * n + 8 * i));
        }
        return new Ledger(counts, applied);
    }

    ByteString encode() {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 * counts.length + 8 * applied.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(counts.length).putInt(applied.size());
        for (int c : counts) {
            b.putInt(c);
        }
        applied.forEach(b::putLong);
        return ByteString.fromArrayUnsafe(b.array());
    }

    /**
     * One reference of {@code generation} goes; {@code count} references of the next generation come (the copies a
     * snapshot made of it). False if this drop was applied before.
     */
    boolean drop(int generation, int count, long operation) {
        if (applied.contains(operation)) {
            return false;
        }
        if (counts.length < generation + 2) {
            counts = Arrays.copyOf(counts, generation + 2);
        }
        counts[generation]--;
        counts[generation + 1] += count;
        applied.addLast(operation);
        if (applied.size() > REMEMBERED) {
            applied.removeFirst();
        }
        return true;
    }

    /** No inode refers to the object any more. */
    boolean isZero() {
        return Arrays.stream(counts).allMatch(c -> c == 0);
    }
}
