package org.sheepdogj.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code struct sd_md_info}, the answer to MD_INFO: the node's disks (room for {@link #MAX_DISKS}, 4,120 bytes each:
 * index, free and used bytes, path), then their number.
 */
public record MdInfo(List<Disk> disks) {
    public static final int MAX_DISKS = 64;
    /** {@code PATH_MAX}. */
    public static final int PATH_LEN = 4096;
    public static final int DISK_SIZE = 24 + PATH_LEN;
    public static final int SIZE = MAX_DISKS * DISK_SIZE + 8;

    /** {@code struct md_info}. */
    public record Disk(int idx, long free, long used, String path) {
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < disks.size() && i < MAX_DISKS; i++) {
            Disk d = disks.get(i);
            int at = i * DISK_SIZE;
            b.putInt(at, d.idx()).putLong(at + 8, d.free()).putLong(at + 16, d.used())
                    .put(at + 24, Names.field(d.path(), PATH_LEN - 1));
        }
        b.putInt(MAX_DISKS * DISK_SIZE, Math.min(disks.size(), MAX_DISKS));
        return b.array();
    }

    public static MdInfo decode(ByteBuffer in) {
        ByteBuffer b = in.slice().order(ByteOrder.LITTLE_ENDIAN);
        int nr = Math.max(0, Math.min(b.getInt(MAX_DISKS * DISK_SIZE), MAX_DISKS));
        List<Disk> disks = new ArrayList<>(nr);
        for (int i = 0; i < nr; i++) {
            int at = i * DISK_SIZE;
            disks.add(new Disk(b.getInt(at), b.getLong(at + 8), b.getLong(at + 16), Names.read(b, at + 24,
                    PATH_LEN)));
        }
        return new MdInfo(disks);
    }
}
