package org.sheepdogj.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct sheepdog_vdi_attr} (66,320 bytes): the payload of GET_VDI_ATTR and the content of an attribute object.
 */
public record VdiAttr(String name, String tag, long ctime, int snapId, byte[] value, String key) {
    public static final int VALUE_OFFSET = 784;
    public static final int MAX_VALUE_LEN = 65536;
    public static final int SIZE = VALUE_OFFSET + MAX_VALUE_LEN;
    /** The bytes that identify an attribute: name, tag, ctime, snap_id, value_len, key. */
    public static final int KEY_END = VALUE_OFFSET;

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, Names.field(name, 256)).put(256, Names.field(tag, 256)).putLong(512, ctime).putInt(520, snapId)
                .putInt(524, value.length).put(528, Names.field(key, 256)).put(VALUE_OFFSET, value);
        return b.array();
    }

    public static VdiAttr decode(ByteBuffer in) {
        ByteBuffer b = in.slice().order(ByteOrder.LITTLE_ENDIAN);
        int len = Math.max(0, Math.min(b.getInt(524), MAX_VALUE_LEN));
        byte[] v = new byte[Math.min(len, Math.max(0, b.limit() - VALUE_OFFSET))];
        b.get(VALUE_OFFSET, v);
        return new VdiAttr(Names.read(b, 0, 256), Names.read(b, 256, 256), b.getLong(512), b.getInt(520), v,
                Names.read(b, 528, 256));
    }

    /**
     * The probe start of an attribute ({@code hash_vdi_attr}): the low 32 bits of FNV-1a over the name, tag,
     * snap_id and key fields, padding included.
     */
    public static int attrIdOf(ByteBuffer attr) {
        byte[] buf = new byte[256 + 256 + 4 + 256];
        ByteBuffer b = attr.slice();
        b.get(0, buf, 0, 512);
        b.get(520, buf, 512, 4);
        b.get(528, buf, 516, 256);
        return (int) Hashes.fnv1a64(buf, Hashes.FNV1A_64_INIT);
    }
}
