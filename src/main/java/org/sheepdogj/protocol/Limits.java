package org.sheepdogj.protocol;

/** Sizes fixed by the protocol. */
public final class Limits {
    /** {@code SD_NR_VDIS}: VDI ids are 24 bits. */
    public static final int NR_VDIS = 1 << 24;
    /** The VDI bitmaps of READ_VDIS and READ_DEL_VDIS, in bytes. */
    public static final int VDI_BITMAP_SIZE = NR_VDIS / 8;
    public static final int DEFAULT_BLOCK_SIZE_SHIFT = 22;
    public static final int MIN_BLOCK_SIZE_SHIFT = 20;
    public static final int MAX_BLOCK_SIZE_SHIFT = 31;
    public static final int DEFAULT_COPIES = 3;
    public static final int MAX_COPIES = 31;
    public static final int DEFAULT_VNODES = 128;
    public static final int DEFAULT_PORT = 7000;
    /** {@code SD_LEDGER_OBJ_SIZE}. */
    public static final int LEDGER_OBJ_SIZE = 1 << 22;

    private Limits() {
    }
}
