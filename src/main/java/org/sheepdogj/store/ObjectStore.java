package org.sheepdogj.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.pekko.util.ByteString;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.ResultCode;

/**
 * The {@code plain} backend: one sparse file per object under {@code obj/}, named by the object id in sixteen hex
 * digits as sheep names it. Every method blocks on the disk; callers run them on the I/O dispatcher.
 *
 * <p>Durability: unless the store was opened without sync ({@code -n}), a write has reached the disk when the method
 * returns (sheep's O_SYNC default). A new object is written to a temporary file, synced, then renamed over its final
 * name and the directory synced, so after a crash it is either absent or whole.
 */
public final class ObjectStore implements AutoCloseable {
    private static final int SPARSE_BLOCK = 4096;
    /**
     * Reads and writes go to the file in pieces of at most this size.
     * <p>A read is returned as arrays of this size, not one array per read: 1 MiB reads gain 3-13% and their p99 falls
     * (docs/performance.md): no array is a humongous object for G1 (half a region or more), and each is filled while
     * the previous one may still be in the CPU's cache.
     * <p>A write larger than this is made as several: Linux (6.16+, ext4) caches a buffered write in a folio as large as
     * the write, and every later 4 KiB write into that folio walks all of its blocks, so small writes into data that
     * was written in 1 MiB pieces cost several times what they cost into 64 KiB folios (docs/performance.md).
     */
    private static final int CHUNK = 64 << 10;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(CHUNK).asReadOnlyBuffer();
    private static final String TMP_SUFFIX = ".tmp";
    private static final String STALE_DIR = ".stale";

    private final Path dir;
    private final boolean sync;
    private final ChannelCache channels;
    private final Set<Long> unsynced = ConcurrentHashMap.newKeySet();
    /** Free bytes that writes of objects leave to the node's records ({@link NodeStore}); 0 for none. */
    private volatile long keepFree;
    /** Bytes that writes running now may add, while a floor is kept: the free space does not show them yet. */
    private final AtomicLong writing = new AtomicLong();

    public ObjectStore(Path dir, boolean sync, int openFiles) {
        this.dir = dir;
        this.sync = sync;
        this.channels = new ChannelCache(this::path, openFiles);
        try {
            Files.createDirectories(dir);
            removeLeftoverTempFiles();
        } catch (IOException e) {
            throw StoreException.of("cannot prepare " + dir, e);
        }
    }

    Path path(long oid) {
        return dir.resolve(Oid.hex(oid));
    }

    public boolean exists(long oid) {
        return Files.exists(path(oid));
    }

    /** The object's length in bytes (its logical size: sparse regions count). */
    public long size(long oid) {
        try {
            return Files.size(path(oid));
        } catch (NoSuchFileException e) {
            throw StoreException.noObject(oid);
        } catch (IOException e) {
            throw StoreException.of("size of " + Oid.hex(oid), e);
        }
    }

    /**
     * Reads {@code length} bytes at {@code offset}; bytes past the end of the file read as zeros.
     * <p>A piece already in the page cache is copied from the file mapped into memory: one pass into the array handed
     * out, where a {@code FileChannel} read into a heap array makes two (the kernel's copy into the JDK's temporary
     * direct buffer, then the JDK's copy into the array); 4 KiB random reads gain about a tenth (docs/performance.md).
     * A piece not in the page cache goes through the channel, because a fault in the mapping would make the kernel
     * read around it (up to the device's whole readahead window) where a random read of the channel reads little or
     * nothing ahead; so does a read past the length the file had when it was mapped.
     */
    public ByteString read(long oid, long offset, int length) {
        try (ChannelCache.Handle h = channels.acquire(oid)) {
            MappedByteBuffer mapped = h.mapping();
            boolean inMapping = mapped != null && offset >= 0 && offset + length <= mapped.capacity();
            ByteString out = ByteString.emptyByteString();
            for (int done = 0; done < length; done += CHUNK) {
                int n = Math.min(CHUNK, length - done);
                MappedByteBuffer piece = inMapping ? mapped.slice((int) offset + done, n) : null;
                out = out.concat(piece != null && piece.isLoaded() ? copyOut(piece)
                        : readChunk(h.channel, offset + done, n));
            }
            return out;
        } catch (NoSuchFileException e) {
            throw StoreException.noObject(oid);
        } catch (IOException e) {
            throw StoreException.of("read " + Oid.hex(oid), e);
        } catch (InternalError e) {
            // how the JVM reports a mapped page that the disk failed to deliver
            throw StoreException.of("read " + Oid.hex(oid), new IOException(e.getMessage(), e));
        }
    }

    private static ByteString copyOut(MappedByteBuffer piece) {
        byte[] out = new byte[piece.remaining()];
        piece.get(0, out);
        return ByteString.fromArrayUnsafe(out);
    }

    private static ByteString readChunk(FileChannel channel, long offset, int length) throws IOException {
        byte[] out = new byte[length];
        ByteBuffer b = ByteBuffer.wrap(out);
        while (b.hasRemaining()) {
            if (channel.read(b, offset + b.position()) < 0) {
                break;
            }
        }
        return ByteString.fromArrayUnsafe(out);
    }

    /** Overwrites part of an existing object, durably. */
    public void write(long oid, long offset, ByteString data) {
        write(oid, offset, data, true);
    }

    /**
     * Overwrites part of an existing object. Durable: on disk when this returns (concurrent writes to one object share
     * a sync). Not durable: in the page cache until {@link #flush} of its VDI.
     */
    public void write(long oid, long offset, ByteString data, boolean durable) {
        try (Room room = takeRoom("write", oid, data.size()); ChannelCache.Handle h = channels.acquire(oid)) {
            writeFully(h.channel, offset, data);
            long seq = h.wrote();
            if (!sync) {
                return;
            }
            if (durable) {
                h.syncUpTo(seq);
            } else {
                unsynced.add(oid);
            }
        } catch (NoSuchFileException e) {
            throw StoreException.noObject(oid);
        } catch (IOException e) {
            throw StoreException.of("write " + Oid.hex(oid), e);
        }
    }

    /** Writes zeros over a range of an existing object. */
    public void zero(long oid, long offset, long length) {
        try (Room room = takeRoom("zero", oid, length); ChannelCache.Handle h = channels.acquire(oid)) {
            long pos = offset;
            long end = offset + length;
            while (pos < end) {
                ByteBuffer z = ZEROS.duplicate();
                z.limit((int) Math.min(z.capacity(), end - pos));
                pos += h.channel.write(z, pos);
            }
            if (sync) {
                h.channel.force(false);
            }
        } catch (NoSuchFileException e) {
            throw StoreException.noObject(oid);
        } catch (IOException e) {
            throw StoreException.of("zero " + Oid.hex(oid), e);
        }
    }

    /**
     * Creates (or atomically replaces) an object of {@code size} bytes, all zero but for {@code data} at
     * {@code offset}. Zero blocks of the data are not written, so the file stays sparse.
     */
    public void create(long oid, long size, long offset, ByteString data) {
        create(oid, size, offset, data, true);
    }

    /** As {@link #create(long, long, long, ByteString)}; not durable until {@link #flush} when not durable. */
    public void create(long oid, long size, long offset, ByteString data, boolean durable) {
        boolean syncNow = sync && durable;
        Path target = path(oid);
        Path tmp = dir.resolve(Oid.hex(oid) + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + TMP_SUFFIX);
        try (Room room = takeRoom("create", oid, data.size())) {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.truncate(0);
                writeSkippingZeroBlocks(ch, offset, data);
                long length = Math.max(size, offset + data.size());
                if (ch.size() < length) {
                    ch.write(ByteBuffer.allocate(1), length - 1);
                }
                if (syncNow) {
                    ch.force(false);
                }
            }
            move(tmp, target);
            // after the move: a request that opened the old file meanwhile must not leave it cached
            channels.invalidate(oid);
            if (syncNow) {
                syncDirectory();
            } else if (sync) {
                unsynced.add(oid);
            }
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw StoreException.of("create " + Oid.hex(oid), e);
        }
    }

    /**
     * Makes the unsynced writes of one VDI durable (every VDI's with {@code vid} -1): each object written without
     * sync is synced, then the directory (for new objects).
     */
    public int flush(int vid) {
        int n = 0;
        for (Long oid : unsynced) {
            if (vid >= 0 && Oid.toVid(oid) != vid) {
                continue;
            }
            unsynced.remove(oid);
            try (ChannelCache.Handle h = channels.acquire(oid)) {
                h.syncUpTo(h.wrote());
                n++;
            } catch (NoSuchFileException gone) {
                // removed since it was written: nothing to make durable
            } catch (IOException e) {
                unsynced.add(oid);
                throw StoreException.of("flush " + Oid.hex(oid), e);
            }
        }
        if (n > 0) {
            try {
                syncDirectory();
            } catch (IOException e) {
                throw StoreException.of("flush " + dir, e);
            }
        }
        return n;
    }

    /** Removes an object; false if it did not exist. */
    public boolean remove(long oid) {
        try {
            boolean removed = Files.deleteIfExists(path(oid));
            channels.invalidate(oid);
            if (removed && sync) {
                syncDirectory();
            }
            return removed;
        } catch (IOException e) {
            throw StoreException.of("remove " + Oid.hex(oid), e);
        }
    }

    /**
     * The SHA-1 of an object's bytes ({@code GET_HASH}): of the live object, or, when there is none, of its stale copy
     * of {@code staleEpoch}, as sheep's {@code default_get_hash} does.
     */
    public byte[] sha1(long oid, int staleEpoch) {
        if (exists(oid)) {
            try (ChannelCache.Handle h = channels.acquire(oid)) {
                return sha1(h.channel);
            } catch (NoSuchFileException e) {
                throw StoreException.noObject(oid);
            } catch (IOException e) {
                throw StoreException.of("hash " + Oid.hex(oid), e);
            }
        }
        try (FileChannel ch = FileChannel.open(stalePath(oid, staleEpoch), StandardOpenOption.READ)) {
            return sha1(ch);
        } catch (NoSuchFileException e) {
            throw StoreException.noObject(oid);
        } catch (IOException e) {
            throw StoreException.of("hash " + Oid.hex(oid) + " of epoch " + staleEpoch, e);
        }
    }

    private static byte[] sha1(FileChannel ch) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            ByteBuffer b = ByteBuffer.allocate(1 << 20);
            long pos = 0;
            int n;
            while ((n = ch.read(b, pos)) > 0) {
                pos += n;
                b.flip();
                md.update(b);
                b.clear();
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every object id held here, in ascending order. */
    public List<Long> list() {
        List<Long> oids = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.length() == 16 && Files.isRegularFile(p)) {
                    try {
                        oids.add(Long.parseUnsignedLong(n, 16));
                    } catch (NumberFormatException ignored) {
                        // not an object file
                    }
                }
            }
        } catch (IOException e) {
            throw StoreException.of("list " + dir, e);
        }
        oids.sort(Long::compareUnsigned);
        return oids;
    }

    /** A copy of an object this node no longer owns, kept as it was at the end of epoch {@code epoch}. */
    public record StaleCopy(long oid, int epoch) {
    }

    private Path staleDir() {
        return dir.resolve(STALE_DIR);
    }

    private Path stalePath(long oid, int epoch) {
        return staleDir().resolve(Oid.hex(oid) + "." + epoch);
    }

    /**
     * Sets an object aside: it leaves the live objects (reads, writes and the object list no longer see it) but stays
     * readable as a recovery source, tagged with the last epoch in which it was current.
     */
    public void moveToStale(long oid, int epoch) {
        try {
            Files.createDirectories(staleDir());
            move(path(oid), stalePath(oid, epoch));
            channels.invalidate(oid);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw StoreException.of("set aside " + Oid.hex(oid), e);
        }
    }

    public List<StaleCopy> staleCopies() {
        List<StaleCopy> out = new ArrayList<>();
        if (!Files.isDirectory(staleDir())) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(staleDir())) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                int dot = n.indexOf('.');
                if (dot == 16) {
                    try {
                        out.add(new StaleCopy(Long.parseUnsignedLong(n.substring(0, 16), 16),
                                Integer.parseInt(n.substring(17))));
                    } catch (NumberFormatException ignored) {
                        // not a stale copy
                    }
                }
            }
        } catch (IOException e) {
            throw StoreException.of("list " + staleDir(), e);
        }
        return out;
    }

    /** The whole content of a live object, or of a stale copy when {@code staleEpoch} is not null. */
    public ByteString readWhole(long oid, Integer staleEpoch) {
        Path p = staleEpoch == null ? path(oid) : stalePath(oid, staleEpoch);
        try {
            return ByteString.fromArrayUnsafe(Files.readAllBytes(p));
        } catch (NoSuchFileException e) {
            throw StoreException.noObject(oid);
        } catch (IOException e) {
            throw StoreException.of("read " + p, e);
        }
    }

    /** Forgets stale copies older than {@code epoch}: every owner of that epoch holds the object. */
    public int purgeStaleBefore(int epoch) {
        int n = 0;
        for (StaleCopy s : staleCopies()) {
            if (s.epoch() < epoch) {
                try {
                    Files.deleteIfExists(stalePath(s.oid(), s.epoch()));
                    n++;
                } catch (IOException e) {
                    throw StoreException.of("remove stale copy " + Oid.hex(s.oid()), e);
                }
            }
        }
        return n;
    }

    /** Removes every object and stale copy (MAKE_FS). */
    public void wipe() {
        for (long oid : list()) {
            remove(oid);
        }
        purgeStaleBefore(Integer.MAX_VALUE);
    }

    /** Capacity and free bytes of the file system under the store. */
    public Space space() {
        try {
            FileStore fs = Files.getFileStore(dir);
            return new Space(fs.getTotalSpace(), fs.getUsableSpace());
        } catch (IOException e) {
            throw StoreException.of("stat " + dir, e);
        }
    }

    /**
     * From now on, writes of objects leave at least {@code bytes} of the file system free (0: no floor). The node
     * keeps room for its records this way while it has none set aside.
     */
    void keepFree(long bytes) {
        keepFree = bytes;
    }

    /**
     * A write that would take the room kept free is refused with NO_SPACE before it takes any of it. The room it may
     * take is held until it returns, so that writes running at once do not each count the same free space.
     */
    private Room takeRoom(String what, long oid, long bytes) {
        long floor = keepFree;
        if (floor == 0) {
            return Room.NONE;
        }
        long taken = writing.addAndGet(bytes);
        if (space().free() < floor + taken) {
            writing.addAndGet(-bytes);
            throw new StoreException(ResultCode.NO_SPACE, String.format("%s %s: the last %d MiB of the disk are kept"
                    + " for the node's records", what, Oid.hex(oid), floor >> 20));
        }
        return () -> writing.addAndGet(-bytes);
    }

    /** Room held by a write while it runs. */
    private interface Room extends AutoCloseable {
        Room NONE = () -> { };

        @Override
        void close();
    }

    /** The directory of the objects, as MD_INFO shows it. */
    public Path directory() {
        return dir;
    }

    /** Bytes of disk the objects take, sparse regions not counted (sheep's {@code get_total_object_size}). */
    public long usedBytes() {
        long total = 0;
        for (long oid : list()) {
            try {
                Object blocks = Files.getAttribute(path(oid), "unix:blocks");
                total += ((Number) blocks).longValue() * 512;
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                total += size(oid);
            }
        }
        return total;
    }

    /** Capacity and free space of the store's file system. */
    public record Space(long size, long free) {
        public long used() {
            return size - free;
        }
    }

    @Override
    public void close() {
        channels.close();
    }

    private static void writeFully(FileChannel ch, long offset, ByteString data) throws IOException {
        long pos = offset;
        for (ByteBuffer b : data.getByteBuffers()) {
            pos = writeInChunks(ch, pos, b);
        }
    }

    /** Writes what remains of {@code b} at {@code pos} in pieces of at most {@link #CHUNK}; returns the end. */
    private static long writeInChunks(FileChannel ch, long pos, ByteBuffer b) throws IOException {
        int end = b.limit();
        while (b.position() < end) {
            b.limit(Math.min(end, b.position() + CHUNK));
            while (b.hasRemaining()) {
                pos += ch.write(b, pos);
            }
        }
        return pos;
    }

    private static void writeSkippingZeroBlocks(FileChannel ch, long offset, ByteString data) throws IOException {
        int len = data.size();
        if (len < SPARSE_BLOCK * 2) {
            writeFully(ch, offset, data);
            return;
        }
        ByteBuffer all = data.asByteBuffer();
        int runStart = -1;
        for (int off = 0; off < len; off += SPARSE_BLOCK) {
            int end = Math.min(off + SPARSE_BLOCK, len);
            boolean zero = isZero(all, off, end);
            if (!zero && runStart < 0) {
                runStart = off;
            } else if (zero && runStart >= 0) {
                writeRange(ch, offset, all, runStart, off);
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            writeRange(ch, offset, all, runStart, len);
        }
    }

    private static void writeRange(FileChannel ch, long base, ByteBuffer all, int from, int to) throws IOException {
        ByteBuffer b = all.duplicate();
        b.position(from).limit(to);
        writeInChunks(ch, base + from, b);
    }

    private static boolean isZero(ByteBuffer b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            if (b.getLong(i) != 0) {
                return false;
            }
        }
        for (; i < to; i++) {
            if (b.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void syncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private void removeLeftoverTempFiles() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + TMP_SUFFIX)) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the temporary file is removed at the next start anyway
        }
    }
}
