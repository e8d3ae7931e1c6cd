package org.sheepdogj.protocol;

/** Request header flags ({@code SD_FLAG_CMD_*}). */
public final class Flags {
    /** The request carries {@code data_length} payload bytes. */
    public static final int WRITE = 0x0001;
    /** CREATE_AND_WRITE initialises the new object from {@code cow_oid}. */
    public static final int COW = 0x0002;
    /** The client runs in write-back cache mode (QEMU's default). */
    public static final int CACHE = 0x0004;
    /** The client bypasses any cache. */
    public static final int DIRECT = 0x0008;
    /** Payload goes both ways (OIDS_EXIST). */
    public static final int PIGGYBACK = 0x0010;
    public static final int TGT = 0x0020;
    public static final int FWD = 0x0040;
    /** A recovery read: the epoch comes from {@code tgt_epoch}. */
    public static final int RECOVERY = 0x0080;
    public static final int WILDCARD = 0x0100;
    /** GET_VDI_ATTR: create or overwrite the attribute (same bit as WILDCARD). */
    public static final int CREAT = 0x0100;
    /** GET_VDI_ATTR: fail with VDI_EXIST if present. */
    public static final int EXCL = 0x0200;
    /** GET_VDI_ATTR: delete the attribute. */
    public static final int DEL = 0x0400;
    /**
     * A sheepdog-j extension (no sheepdog client sets it): the write may be acknowledged before it is on disk, and
     * becomes durable with a FLUSH_VDI that carries the same flag. The NBD export uses it for writes without FUA.
     */
    public static final int UNSYNCED = 0x0800;

    private Flags() {
    }

    public static boolean has(int flags, int flag) {
        return (flags & flag) != 0;
    }
}
