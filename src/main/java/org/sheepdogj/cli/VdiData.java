package org.sheepdogj.cli;

import java.io.IOException;
import java.io.InputStream;

import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.ResultCode;

/** {@code dog vdi read} and {@code vdi write}: a VDI's bytes to stdout, stdin's bytes into a VDI. */
final class VdiData {
    private final Session s;
    private final VdiOptions o;
    private final Vdis vdis;

    VdiData(Session s, VdiOptions o, Vdis vdis) {
        this.s = s;
        this.o = o;
        this.vdis = vdis;
    }

    /** The optional offset and length operands; null when one is not a size (reported). */
    private long[] range() {
        long offset = 0;
        long total = -1;
        if (s.arg(s.optind) != null) {
            Long v = CNumbers.size(s, s.nextArg());
            if (v == null) {
                return null;
            }
            offset = v;
            if (s.arg(s.optind) != null) {
                Long t = CNumbers.size(s, s.nextArg());
                if (t == null) {
                    return null;
                }
                total = t;
            }
        }
        return new long[] {offset, total};
    }

    /** The bytes to move, the object they start in, and where in it. */
    private record Span(long total, long index, long offset) {
    }

    /** Where the operands put the I/O in the VDI; null (reported) when the offset is past its end. */
    private Span span(long[] range, Inode.Header h, String beyond) {
        long offset = range[0];
        if (Long.compareUnsigned(h.vdiSize(), offset) < 0) {
            s.err(beyond);
            return null;
        }
        long objectSize = h.objectSize();
        return new Span(unsignedMin(range[1], h.vdiSize() - offset), Long.divideUnsigned(offset, objectSize),
                Long.remainderUnsigned(offset, objectSize));
    }

    int read() {
        String name = s.nextArg();
        long[] range = range();
        if (range == null) {
            return ExitCode.USAGE;
        }
        Vdis.Opened v = vdis.open(name, o.snapshotId, o.snapshotTag, Inode.SIZE);
        if (v == null) {
            return ExitCode.FAILURE;
        }
        Inode.Header h = v.inode().header();
        Span span = span(range, h, "Read offset is beyond the end of the VDI");
        if (span == null) {
            return ExitCode.FAILURE;
        }
        long objectSize = h.objectSize();
        long total = span.total();
        long idx = span.index();
        long offset = span.offset();
        long done = 0;
        while (Long.compareUnsigned(done, total) < 0) {
            int len = (int) unsignedMin(total - done, objectSize - offset);
            int holder = vdis.vidAt(v.inode(), idx);
            byte[] buf;
            if (holder != 0) {
                Vdis.Read r = vdis.read(Oid.vidToDataOid(holder, idx), len, offset, false);
                if (!r.ok()) {
                    s.err("Failed to read VDI");
                    return ExitCode.FAILURE;
                }
                buf = r.data();
            } else {
                buf = new byte[len];
            }
            s.out().write(buf, 0, len);
            if (s.out().checkError()) {
                s.err("Failed to write to stdout: Broken pipe");
                return ExitCode.SYSFAIL;
            }
            offset = 0;
            idx++;
            done += len;
        }
        s.out().flush();
        return ExitCode.SUCCESS;
    }

    int write() {
        String name = s.nextArg();
        long[] range = range();
        if (range == null) {
            return ExitCode.USAGE;
        }
        Vdis.Opened v = vdis.open(name, 0, "", Inode.SIZE);
        if (v == null) {
            return ExitCode.FAILURE;
        }
        InodeImage inode = v.inode();
        Inode.Header h = inode.header();
        Span span = span(range, h, "Write offset is beyond the end of the VDI");
        if (span == null || vdis.indexReadOnly(inode)) {
            return ExitCode.FAILURE;
        }
        long objectSize = h.objectSize();
        long total = span.total();
        long idx = span.index();
        long offset = span.offset();
        long done = 0;
        int flags = o.writeback ? Flags.CACHE : 0;
        while (Long.compareUnsigned(done, total) < 0) {
            int len = (int) unsignedMin(total - done, objectSize - offset);
            int holder = vdis.vidAt(inode, idx);
            boolean create = holder == 0 || holder != h.vdiId();
            long cowOid = holder != 0 && holder != h.vdiId() ? Oid.vidToDataOid(holder, idx) : 0;
            byte[] buf = new byte[len];
            int got;
            try {
                got = readFully(s.term.in(), buf);
            } catch (IOException e) {
                s.err("Failed to read from stdin: %s", e.getMessage());
                return ExitCode.SYSFAIL;
            }
            if (got < len) {
                total = done + len;
            }
            inode.setVid(idx, h.vdiId());
            if (vdis.write(Oid.vidToDataOid(h.vdiId(), idx), cowOid, buf, offset, flags, h.nrCopies(),
                    h.copyPolicy(), create, false) != ResultCode.SUCCESS) {
                s.err("Failed to write VDI");
                return ExitCode.FAILURE;
            }
            if (create && vdis.writeIndexEntry(h, v.vid(), idx, v.vid(), flags, false) != ResultCode.SUCCESS) {
                return ExitCode.FAILURE;
            }
            offset += len;
            if (offset == objectSize) {
                offset = 0;
                idx++;
            }
            done += len;
        }
        return ExitCode.SUCCESS;
    }

    /** {@code xread}: as many bytes as fit, stopping early only at the end of input. */
    static int readFully(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    private static long unsignedMin(long a, long b) {
        return Long.compareUnsigned(a, b) < 0 ? a : b;
    }
}
