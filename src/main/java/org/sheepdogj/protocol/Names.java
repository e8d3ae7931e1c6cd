package org.sheepdogj.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * VDI names, tags and attribute keys are NUL-padded byte fields on the wire. They are held as Strings whose chars are
 * the bytes (ISO-8859-1), so that any name a client sends round-trips byte for byte and hashes as sheep hashes it.
 */
public final class Names {
    /** {@code SD_MAX_VDI_LEN}, {@code SD_MAX_VDI_TAG_LEN}, {@code SD_MAX_VDI_ATTR_KEY_LEN}. */
    public static final int FIELD_LEN = 256;

    private Names() {
    }

    public static byte[] bytes(String name) {
        return name.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The text a user typed (UTF-8 on today's systems) as the bytes the wire carries. */
    public static String fromUserText(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** The wire bytes shown as text for a person (JSON, logs). */
    public static String toUserText(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /** A field of {@code len} bytes: the name, then NULs (truncated if longer, as strncpy does). */
    public static byte[] field(String name, int len) {
        byte[] out = new byte[len];
        byte[] b = bytes(name);
        System.arraycopy(b, 0, out, 0, Math.min(b.length, len));
        return out;
    }

    /** Reads a NUL-terminated name from a fixed field. */
    public static String read(ByteBuffer buf, int off, int len) {
        int end = off;
        int limit = Math.min(off + len, buf.limit());
        while (end < limit && buf.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - off];
        buf.get(off, b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    public static String read(byte[] buf, int off, int len) {
        return read(ByteBuffer.wrap(buf), off, len);
    }
}
