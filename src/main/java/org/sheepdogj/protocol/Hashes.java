package org.sheepdogj.protocol;


/** The FNV-1a based hashes of {@code include/sheepdog_proto.h}: VDI ids, ring positions, attribute ids. */
public final class Hashes {
    public static final long FNV1A_64_INIT = 0xcbf29ce484222325L;
    private static final long FNV_64_PRIME = 0x100000001b3L;

    private Hashes() {
    }

    public static long fnv1a64(byte[] buf, int off, int len, long hval) {
        long h = hval;
        for (int i = off; i < off + len; i++) {
            h ^= buf[i] & 0xff;
            h *= FNV_64_PRIME;
        }
        return h;
    }

    public static long fnv1a64(byte[] buf, long hval) {
        return fnv1a64(buf, 0, buf.length, hval);
    }

    /** {@code fnv_64a_64}: FNV-1a over the eight little-endian bytes of {@code x}. */
    public static long fnv64a64(long x, long hval) {
        long h = hval;
        for (int i = 0; i < 8; i++) {
            h ^= (x >>> (8 * i)) & 0xff;
            h *= FNV_64_PRIME;
        }
        return h;
    }

    /** {@code sd_hash}: FNV-1a of the bytes, mixed once more with itself. */
    public static long sdHash(byte[] buf, int off, int len) {
        long h = fnv1a64(buf, off, len, FNV1A_64_INIT);
        return fnv64a64(h, h);
    }

    public static long sdHashNext(long h) {
        return fnv64a64(h, h);
    }

    /** The ring position of an object ({@code sd_hash_oid}). */
    public static long sdHashOid(long oid) {
        long h = fnv64a64(oid, FNV1A_64_INIT);
        return fnv64a64(h, h);
    }

    /** The VDI id a name hashes to ({@code sd_hash_vdi}); the allocator probes upward from it. */
    public static int vdiIdOf(String name) {
        return (int) (fnv1a64(Names.bytes(name), FNV1A_64_INIT) & 0xffffff);
    }
}
