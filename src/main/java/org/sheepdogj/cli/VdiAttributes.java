package org.sheepdogj.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Names;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.VdiAttr;

/** {@code dog vdi setattr} and {@code vdi getattr}: the key/value attributes kept beside a VDI. */
final class VdiAttributes {
    private final Session s;
    private final VdiOptions o;
    private final Vdis vdis;

    VdiAttributes(Session s, VdiOptions o, Vdis vdis) {
        this.s = s;
        this.o = o;
        this.vdis = vdis;
    }

    /** GET_VDI_ATTR's answer: the result and, on success, the attribute object's id. */
    private record Found(int result, long oid) {
    }

    /** {@code find_vdi_attr_oid}. */
    private Found find(String name, String key, byte[] value, int flags) {
        ByteBuffer b = ByteBuffer.allocate(VdiAttr.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, Vdis.field(name, 256)).put(256, Vdis.field(o.snapshotTag, 256)).putInt(520, o.snapshotId)
                .put(528, Vdis.field(key, 256));
        if (value != null && value.length > 0) {
            b.putInt(524, value.length).put(VdiAttr.VALUE_OFFSET, value);
        }
        RequestHeader h = RequestHeader.vdi(Opcode.GET_VDI_ATTR, Flags.WRITE | flags, VdiAttr.SIZE, 0, 0, 0, 0, 0, 0,
                o.snapshotId, 0);
        Response r = s.exec(h, b.array());
        if (r == null) {
            return new Found(ResultCode.EIO, 0);
        }
        if (!r.ok()) {
            return new Found(r.result(), 0);
        }
        return new Found(ResultCode.SUCCESS, Oid.vidToAttrOid(r.header().vdiId(), r.header().attrId()));
    }

    int set() {
        String name = s.nextArg();
        String key = s.nextArg();
        if (key == null) {
            s.err("Please specify the attribute key");
            return ExitCode.USAGE;
        }
        String given = s.nextArg();
        byte[] value = given == null ? null : Names.bytes(given);
        if (value == null && !o.delete) {
            try {
                value = stdin();
            } catch (IOException e) {
                s.err("Failed to read attribute value from stdin: %s", e.getMessage());
                return ExitCode.SYSFAIL;
            }
        }
        int flags = (o.delete ? Flags.DEL : Flags.CREAT) | (o.exclusive ? Flags.EXCL : 0);
        Found f = find(name, key, value == null ? null : upToNul(value), flags);
        return switch (f.result()) {
            case ResultCode.SUCCESS -> ExitCode.SUCCESS;
            case ResultCode.VDI_EXIST -> {
                s.err("The attribute '%s' already exists", key);
                yield ExitCode.EXISTS;
            }
            case ResultCode.NO_OBJ -> {
                s.err("Attribute '%s' not found", key);
                yield ExitCode.MISSING;
            }
            case ResultCode.NO_VDI -> {
                s.err("VDI not found");
                yield ExitCode.MISSING;
            }
            default -> {
                s.err("Failed to set attribute: %s", ResultCode.describe(f.result()));
                yield ExitCode.FAILURE;
            }
        };
    }

    /** The value, read from stdin to its end, at most as long as a value may be. */
    private byte[] stdin() throws IOException {
        byte[] buf = new byte[VdiAttr.MAX_VALUE_LEN];
        return Arrays.copyOf(buf, VdiData.readFully(s.term.in(), buf));
    }

    /** dog takes the value's length with {@code strlen}: it ends at the first NUL. */
    private static byte[] upToNul(byte[] v) {
        for (int i = 0; i < v.length; i++) {
            if (v[i] == 0) {
                return Arrays.copyOf(v, i);
            }
        }
        return v;
    }

    int get() {
        String name = s.nextArg();
        String key = s.nextArg();
        if (key == null) {
            s.err("Please specify the attribute key");
            return ExitCode.USAGE;
        }
        Found f = find(name, key, null, 0);
        if (f.result() == ResultCode.NO_OBJ) {
            s.err("Attribute '%s' not found", key);
            return ExitCode.MISSING;
        } else if (f.result() == ResultCode.NO_VDI) {
            s.err("VDI not found");
            return ExitCode.MISSING;
        } else if (f.result() != ResultCode.SUCCESS) {
            s.err("Failed to find attribute oid: %s", ResultCode.describe(f.result()));
            return ExitCode.MISSING;
        }
        Vdis.Read r = vdis.read(f.oid(), VdiAttr.SIZE, 0, true);
        if (!r.ok()) {
            s.err("Failed to read attribute oid: %s", ResultCode.describe(r.result()));
            return ExitCode.SYSFAIL;
        }
        VdiAttr attr = VdiAttr.decode(ByteBuffer.wrap(r.data()));
        s.out().write(attr.value(), 0, attr.value().length);
        s.out().flush();
        return ExitCode.SUCCESS;
    }
}
