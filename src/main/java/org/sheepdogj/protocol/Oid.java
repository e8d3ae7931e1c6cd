package org.sheepdogj.protocol;

/** The 64-bit object id: kind bits 59..63, VDI id in 32..55, index in 0..31 ({@code include/sheepdog_proto.h}). */
public final class Oid {
    public static final long VDI_BIT = 1L << 63;
    public static final long VMSTATE_BIT = 1L << 62;
    public static final long VDI_ATTR_BIT = 1L << 61;
    public static final long VDI_BTREE_BIT = 1L << 60;
    public static final long LEDGER_BIT = 1L << 59;
    /**
     * Bits 56..58 are reserved by sheepdog; sheepdog-j keeps its own metadata (the durable state of the VDI actors)
     * in objects that carry bit 56, so they replicate and recover like any object and no client can address them.
     */
    public static final long META_BIT = 1L << 56;
    private static final long KIND_BITS = VDI_BIT | VMSTATE_BIT | VDI_ATTR_BIT | VDI_BTREE_BIT | LEDGER_BIT | META_BIT;
    public static final int VDI_SPACE_SHIFT = 32;
    public static final long VDI_MASK = 0x00ffffff00000000L;

    private Oid() {
    }

    public static long vidToVdiOid(int vid) {
        return VDI_BIT | ((vid & 0xffffffL) << VDI_SPACE_SHIFT);
    }

    public static long vidToDataOid(int vid, long index) {
        return ((vid & 0xffffffL) << VDI_SPACE_SHIFT) | (index & 0xffffffffL);
    }

    public static long vidToAttrOid(int vid, int attrId) {
        return VDI_ATTR_BIT | ((vid & 0xffffffL) << VDI_SPACE_SHIFT) | (attrId & 0xffffffffL);
    }

    public static long ledgerOid(long dataOid) {
        return LEDGER_BIT | dataOid;
    }

    public static int toVid(long oid) {
        return (int) ((oid & VDI_MASK) >>> VDI_SPACE_SHIFT);
    }

    public static long dataIndex(long oid) {
        return oid & 0xffffffffL;
    }

    public static boolean isVdiObj(long oid) {
        return (oid & VDI_BIT) != 0;
    }

    public static boolean isAttrObj(long oid) {
        return (oid & VDI_ATTR_BIT) != 0;
    }

    public static boolean isVmstateObj(long oid) {
        return (oid & VMSTATE_BIT) != 0;
    }

    public static boolean isMetaObj(long oid) {
        return (oid & META_BIT) != 0 && (oid & (KIND_BITS & ~META_BIT)) == 0;
    }

    /** Data objects have none of the kind bits ({@code is_data_obj}). */
    public static boolean isDataObj(long oid) {
        return (oid & KIND_BITS) == 0;
    }

    public static String hex(long oid) {
        return String.format("%016x", oid);
    }
}
