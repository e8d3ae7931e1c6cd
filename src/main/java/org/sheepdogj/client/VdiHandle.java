package org.sheepdogj.client;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.pekko.util.ByteString;
import org.sheepdogj.protocol.Flags;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Names;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;

/**
 * An open VDI, used as QEMU's sheepdog driver uses one ({@code block/sheepdog.c}): the inode's index is kept in
 * memory; a read goes to the object that holds each part (zeros where none does); a write creates the object on
 * first use (copying it from a snapshot when it still belongs to one) and then records the new objects in the
 * inode's index. Many requests run at once, overwrites of one object too; a write that must create or copy an object
 * waits for the writes to that object before it, and those after it wait until the inode names the object, so that
 * an object is created once and no write into it is acknowledged before the inode names it. A snapshot taken by
 * another client turns the overwrites under way away (READONLY): each then waits its turn as a write that must copy
 * its object, so that the first copies it and the others overwrite the copy. (QEMU's driver runs no two requests on
 * one object at once, {@code wait_for_overlapping_aiocb}.)
 */
public final class VdiHandle implements AutoCloseable {
    private static final int OBJECT_LOCKS = 64;

    private final RequestChannel channel;
    private final String name;
    private final boolean readOnly;
    private volatile Inode.Header header;
    private final int[] index = new int[Inode.DATA_INDEX_COUNT];
    /** Per object, the end of the last write queued to create or copy it. */
    private final Map<Long, CompletableFuture<Void>> objectTails = new ConcurrentHashMap<>();
    /** Per object, the overwrites sent and not yet answered. */
    private final Map<Long, Set<CompletableFuture<Void>>> overwrites = new ConcurrentHashMap<>();
    /**
     * Whatever checks or changes an object's entries in the two maps above holds that object's lock, one of a few, so
     * that writes to other objects seldom wait for it.
     */
    private final Object[] objectLocks = new Object[OBJECT_LOCKS];

    private VdiHandle(RequestChannel channel, String name, Inode.Header header, byte[] inode, boolean readOnly) {
        this.channel = channel;
        this.name = name;
        this.header = header;
        this.readOnly = readOnly;
        Arrays.setAll(objectLocks, i -> new Object());
        ByteBuffer b = ByteBuffer.wrap(inode).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < index.length; i++) {
            index[i] = b.getInt(Inode.indexOffset(i));
        }
    }

    /**
     * Opens a VDI as QEMU does ({@code sd_open}): LOCK_VDI by name (and snapshot id or tag), then the inode.
     * A snapshot opens read-only.
     */
    public static CompletionStage<VdiHandle> open(RequestChannel channel, String name, int snapId, String tag) {
        RequestHeader h = RequestHeader.vdi(Opcode.LOCK_VDI, Flags.WRITE, 512, 0, 0, 0, 0, 0, 0, snapId, 0)
                .withOpcode(Opcode.LOCK_VDI, 1);
        ByteString payload = ByteString.fromArrayUnsafe(Names.field(name, 256))
                .concat(ByteString.fromArrayUnsafe(Names.field(tag, 256)));
        return Sheepdog.expect(channel.submit(new Request(h, payload)), Opcode.LOCK_VDI)
                .thenCompose(r -> readInode(channel, r.header().vdiId(), Inode.QEMU_SIZE))
                .thenApply(inode -> {
                    Inode.Header hd = Inode.Header.decode(inode);
                    return new VdiHandle(channel, name, hd, inode, hd.isSnapshot());
                });
    }

    static CompletionStage<byte[]> readInode(RequestChannel channel, int vid, int length) {
        RequestHeader h = RequestHeader.obj(Opcode.READ_OBJ, Flags.CACHE, 0, length, Oid.vidToVdiOid(vid), 0, 0, 0)
                .withOpcode(Opcode.READ_OBJ, 0);
        return Sheepdog.expect(channel.submit(Request.of(h)), Opcode.READ_OBJ)
                .thenApply(r -> r.payload().toArray());
    }

    public String name() {
        return name;
    }

    public int vid() {
        return header.vdiId();
    }

    public long size() {
        return header.vdiSize();
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    public long objectSize() {
        return header.objectSize();
    }

    /** The index entry of an object: the VDI id that holds it, 0 if none. */
    public int indexEntry(long idx) {
        return index[(int) idx];
    }

    public CompletionStage<ByteString> read(long offset, int length) {
        checkRange(offset, length);
        long objSize = objectSize();
        if (length > 0 && offset / objSize == (offset + length - 1) / objSize) {
            return readPart(offset / objSize, offset % objSize, length);
        }
        List<CompletableFuture<ByteString>> parts = new ArrayList<>();
        forEachPart(offset, length, (idx, inObj, n, pos) -> parts.add(readPart(idx, inObj, n).toCompletableFuture()));
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0])).thenApply(v -> {
            ByteString all = ByteString.emptyByteString();
            for (CompletableFuture<ByteString> p : parts) {
                all = all.concat(p.join());
            }
            return all;
        });
    }

    /** One object's part: from the object that holds it, or zeros where none does. */
    private CompletionStage<ByteString> readPart(long idx, long inObj, int n) {
        int holder = index[(int) idx];
        if (holder == 0) {
            return CompletableFuture.completedFuture(ByteString.fromArrayUnsafe(new byte[n]));
        }
        RequestHeader h = objRequest(Opcode.READ_OBJ, 0, n, Oid.vidToDataOid(holder, idx), 0, inObj);
        return Sheepdog.expect(channel.submit(Request.of(h)), Opcode.READ_OBJ).thenApply(Response::payload);
    }

    /**
     * Reads {@code into.remaining()} bytes at {@code offset} into {@code into}, from its position (which stays where it
     * is), as QEMU reads into the guest's memory: over a connection the data goes from the socket straight there.
     */
    public CompletionStage<Void> read(long offset, ByteBuffer into) {
        checkRange(offset, into.remaining());
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        forEachPart(offset, into.remaining(), (idx, inObj, n, pos) -> parts.add(
                readPart(idx, inObj, into.slice(into.position() + pos, n)).toCompletableFuture()));
        return parts.size() == 1 ? parts.get(0) : CompletableFuture.allOf(parts.toArray(new CompletableFuture[0]));
    }

    private CompletionStage<Void> readPart(long idx, long inObj, ByteBuffer into) {
        int holder = index[(int) idx];
        if (holder == 0) {
            into.duplicate().put(new byte[into.remaining()]);
            return CompletableFuture.completedFuture(null);
        }
        RequestHeader h = objRequest(Opcode.READ_OBJ, 0, into.remaining(), Oid.vidToDataOid(holder, idx), 0, inObj);
        return Sheepdog.expect(channel.submit(Request.of(h), into), Opcode.READ_OBJ).thenApply(r -> null);
    }

    /** Writes durably, creating objects where needed, then records the new objects in the inode. */
    public CompletionStage<Void> write(long offset, ByteString data) {
        return write(offset, data, true);
    }

    /**
     * Writes; when not {@code durable}, overwrites of existing objects are acknowledged before the disk sync and
     * become durable with {@link #flush()}. New objects and the inode are always written durably, so that the inode
     * never names an object that a crash could lose.
     */
    public CompletionStage<Void> write(long offset, ByteString data, boolean durable) {
        if (readOnly) {
            return CompletableFuture.failedFuture(new SheepdogException(Opcode.WRITE_OBJ, ResultCode.READONLY));
        }
        checkRange(offset, data.size());
        long objSize = objectSize();
        if (withinOneObject(offset, data.size())) {
            return part(offset / objSize, offset % objSize, data.size(), durable, sending(data));
        }
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        forEachPart(offset, data.size(), (idx, inObj, n, pos) ->
                parts.add(part(idx, inObj, n, durable, sending(data.slice(pos, pos + n)))));
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0]));
    }

    /**
     * Writes {@code data} (from its position to its limit, which stay where they are; it must not change until the
     * write completes). A write within one object this VDI already holds, the common case, is sent from the buffer
     * itself, as QEMU sends from the guest's memory; any other is written as {@link #write(long, ByteString, boolean)}
     * does, from a copy.
     */
    public CompletionStage<Void> write(long offset, ByteBuffer data, boolean durable) {
        if (!readOnly) {
            checkRange(offset, data.remaining());
            if (withinOneOwnObject(offset, data.remaining())) {
                return part(offset / objectSize(), offset % objectSize(), data.remaining(), durable,
                        h -> channel.submitFrom(h, data));
            }
        }
        return write(offset, ByteString.fromByteBuffer(data.duplicate()), durable);
    }

    /** Whether a range of the VDI lies within one object. */
    private boolean withinOneObject(long offset, int length) {
        return length > 0 && (offset + length - 1) / objectSize() == offset / objectSize();
    }

    /** Whether a range of the VDI lies within one object {@link #ownAndSettled}. */
    private boolean withinOneOwnObject(long offset, int length) {
        return withinOneObject(offset, length) && ownAndSettled(offset / objectSize());
    }

    private Object lockOf(long idx) {
        return objectLocks[(int) idx & (OBJECT_LOCKS - 1)];
    }

    /**
     * Whether this VDI holds the object and no creation of it is queued or under way. What acts on the answer asks
     * holding the object's lock ({@link #part}); without it, the answer is a hint.
     */
    private boolean ownAndSettled(long idx) {
        return index[(int) idx] == vid() && !objectTails.containsKey(idx);
    }

    /**
     * Writes one object's part: where this VDI holds the object, with no creation of it queued, the common case, one
     * WRITE_OBJ sent at once; any other write, and an overwrite that a snapshot turned away, waits its turn on the
     * object ({@link #inOrder}).
     */
    private CompletableFuture<Void> part(long idx, long inObj, int length, boolean durable,
                                         Function<RequestHeader, CompletionStage<Response>> send) {
        CompletableFuture<Void> answered;
        RequestHeader h;
        synchronized (lockOf(idx)) {
            if (!ownAndSettled(idx)) {
                return inOrder(idx, () -> writePart(idx, inObj, length, durable, send));
            }
            answered = new CompletableFuture<>();
            h = overwriteOf(Oid.vidToDataOid(vid(), idx), inObj, length, durable);
            overwrites.computeIfAbsent(idx, k -> new HashSet<>()).add(answered);
        }
        return send.apply(h).whenComplete((r, e) -> {
            synchronized (lockOf(idx)) {
                Set<CompletableFuture<Void>> flying = overwrites.get(idx);
                flying.remove(answered);
                if (flying.isEmpty()) {
                    overwrites.remove(idx);
                }
            }
            answered.complete(null);
        }).thenCompose(r -> {
            if (r.result() == ResultCode.READONLY) {
                return reload().thenCompose(v -> inOrder(idx, () -> writePart(idx, inObj, length, durable, send)));
            }
            if (!r.ok()) {
                throw new SheepdogException(h.opcode(), r.result());
            }
            return CompletableFuture.<Void>completedFuture(null);
        }).toCompletableFuture();
    }

    /** A WRITE_OBJ into an object this VDI holds; without {@code durable}, acknowledged before the disk sync. */
    private static RequestHeader overwriteOf(long oid, long inObj, int length, boolean durable) {
        return objRequest(Opcode.WRITE_OBJ, Flags.WRITE | (durable ? 0 : Flags.UNSYNCED), length, oid, 0, inObj);
    }

    /** Sends a part's header with {@code data} as its payload. */
    private Function<RequestHeader, CompletionStage<Response>> sending(ByteString data) {
        return h -> channel.submit(new Request(h, data));
    }

    /**
     * Writes one part of {@code length} bytes in the object's turn ({@link #inOrder}), which {@code send} sends with
     * the header it is given. An object it creates is recorded in the inode's index within the turn: a write after
     * it, sent at once as an overwrite, is then acknowledged only when the inode names the object it went to (were
     * the index write lost with this node, such a write would otherwise be lost too).
     */
    private CompletionStage<Void> writePart(long idx, long inObj, int length, boolean durable,
                                            Function<RequestHeader, CompletionStage<Response>> send) {
        int holder = index[(int) idx];
        int vid = vid();
        long oid = Oid.vidToDataOid(vid, idx);
        RequestHeader h;
        if (holder == vid) {
            h = overwriteOf(oid, inObj, length, durable);
        } else if (holder == 0) {
            h = objRequest(Opcode.CREATE_AND_WRITE_OBJ, Flags.WRITE, length, oid, 0, inObj);
        } else {
            h = objRequest(Opcode.CREATE_AND_WRITE_OBJ, Flags.WRITE | Flags.COW, length, oid,
                    Oid.vidToDataOid(holder, idx), inObj);
        }
        return send.apply(h).thenCompose(r -> {
            if (r.result() == ResultCode.READONLY) {
                return reload().thenCompose(v -> writePart(idx, inObj, length, durable, send));
            }
            if (!r.ok()) {
                throw new SheepdogException(h.opcode(), r.result());
            }
            if (holder == vid) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            index[(int) idx] = vid;
            return writeIndex(idx).whenComplete((v, e) -> {
                if (e != null) {
                    index[(int) idx] = holder;
                }
            });
        });
    }

    /**
     * Another client made a snapshot of this VDI: its objects are now read-only. As QEMU's
     * {@code reload_inode}, find the new working VDI and go on with it (its objects get copied on write).
     */
    private CompletionStage<Void> reload() {
        return Sheepdog.vdiInfo(channel, name, "", 0).thenCompose(vid -> readInode(channel, vid, Inode.HEADER_SIZE))
                .thenAccept(h -> header = Inode.Header.decode(h));
    }

    /**
     * Records the object's entry in the inode; until it has, the next write to the object creates it again. If another
     * client made this VDI a snapshot since the object was created, the node refuses (READONLY) and the entry goes to
     * the new working VDI, where the write that created the object belongs.
     */
    private CompletionStage<Void> writeIndex(long idx) {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, index[(int) idx]);
        RequestHeader h = objRequest(Opcode.WRITE_OBJ, Flags.WRITE, b.capacity(), Oid.vidToVdiOid(vid()), 0,
                Inode.indexOffset(idx));
        return channel.submit(new Request(h, ByteString.fromArrayUnsafe(b.array()))).thenCompose(r -> {
            if (r.result() == ResultCode.READONLY) {
                return reload().thenCompose(v -> writeIndex(idx));
            }
            if (!r.ok()) {
                throw new SheepdogException(Opcode.WRITE_OBJ, r.result());
            }
            return CompletableFuture.<Void>completedFuture(null);
        });
    }

    /**
     * Discards whole objects inside the range as QEMU 2.5 and later do: the index entry is zeroed in the inode (the
     * node then drops the object if nothing else uses it); parts of objects are left alone.
     */
    public CompletionStage<Void> discard(long offset, long length) {
        long objSize = objectSize();
        long first = (offset + objSize - 1) / objSize;
        long end = (offset + length) / objSize;
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (long idx = first; idx < end; idx++) {
            long i = idx;
            if (index[(int) i] == 0) {
                continue;
            }
            parts.add(inOrder(i, () -> {
                index[(int) i] = 0;
                return writeIndex(i);
            }));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0]));
    }

    /**
     * FLUSH_VDI for the writes made without durability (sheepdog-j's UNSYNCED flag); a node that only ever writes
     * through (INVALID_PARMS, as sheep 1.0) has nothing to flush.
     */
    public CompletionStage<Void> flush() {
        RequestHeader h = objRequest(Opcode.FLUSH_VDI, Flags.CACHE | Flags.UNSYNCED, 0, Oid.vidToVdiOid(vid()), 0,
                0);
        return channel.submit(Request.of(h)).thenAccept(r -> {
            if (!r.ok() && r.result() != ResultCode.INVALID_PARMS) {
                throw new SheepdogException(Opcode.FLUSH_VDI, r.result());
            }
        });
    }

    /**
     * Takes a snapshot as {@code qemu-img snapshot -c} does: the tag goes into the current inode's header, the
     * node turns it into a snapshot, and this handle goes on with the new working VDI.
     */
    public CompletionStage<Integer> snapshot(String tag) {
        Inode.Header h = header;
        Inode.Header tagged = new Inode.Header(h.name(), tag, h.createTime(), h.snapCtime(), h.vmClockNsec(),
                h.vdiSize(), h.vmStateSize(), h.copyPolicy(), h.storePolicy(), h.nrCopies(), h.blockSizeShift(),
                h.snapId(), h.vdiId(), h.parentVdiId(), h.btreeCounter());
        int snapshotVid = h.vdiId();
        return writeHeader(tagged)
                .thenCompose(v -> Sheepdog.newVdi(channel, name, h.vdiSize(), snapshotVid, true, h.nrCopies(),
                        h.blockSizeShift()))
                .thenCompose(vid -> readInode(channel, vid, Inode.HEADER_SIZE))
                .thenApply(b -> {
                    header = Inode.Header.decode(b);
                    return snapshotVid;
                });
    }

    /** Grows the VDI (QEMU's truncate): the header is rewritten with the new size. */
    public CompletionStage<Void> resize(long newSize) {
        if (newSize < size()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("shrinking is not supported"));
        }
        Inode.Header grown = header.withVdiSize(newSize);
        return writeHeader(grown).thenAccept(v -> header = grown);
    }

    private CompletionStage<Void> writeHeader(Inode.Header h) {
        byte[] bytes = h.toBytes();
        RequestHeader rh = objRequest(Opcode.WRITE_OBJ, Flags.WRITE, bytes.length, Oid.vidToVdiOid(h.vdiId()), 0, 0);
        return Sheepdog.expect(channel.submit(new Request(rh, ByteString.fromArrayUnsafe(bytes))), Opcode.WRITE_OBJ)
                .thenApply(r -> null);
    }

    /** RELEASE_VDI, as QEMU does on close. */
    public CompletionStage<Void> closeAsync() {
        byte[] n = (name + "\0").getBytes(StandardCharsets.ISO_8859_1);
        RequestHeader h = RequestHeader.vdi(Opcode.RELEASE_VDI, Flags.WRITE, n.length, 0, vid(), 0, 0, 0, 0, 0, 0)
                .withOpcode(Opcode.RELEASE_VDI, 0);
        return channel.submit(new Request(h, ByteString.fromArrayUnsafe(n))).thenApply(r -> null);
    }

    /** Closes and waits; not to be called from a callback of the channel's own answers. */
    @Override
    public void close() {
        closeAsync().toCompletableFuture().join();
    }

    private interface Part {
        void at(long idx, long offsetInObject, int length, int positionInBuffer);
    }

    private void forEachPart(long offset, int length, Part part) {
        long objSize = objectSize();
        long pos = offset;
        int done = 0;
        while (done < length) {
            long idx = pos / objSize;
            long inObj = pos % objSize;
            int n = (int) Math.min(length - done, objSize - inObj);
            part.at(idx, inObj, n, done);
            pos += n;
            done += n;
        }
    }

    /**
     * Runs {@code op} after every earlier operation queued on the same object and every overwrite of it under way;
     * overwrites sent after it wait for it ({@link #part}).
     */
    private <T> CompletableFuture<T> inOrder(long idx, Supplier<CompletionStage<T>> op) {
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<Void> mine = result.handle((r, e) -> (Void) null);
        List<CompletableFuture<Void>> before = new ArrayList<>();
        synchronized (lockOf(idx)) {
            CompletableFuture<Void> queued = objectTails.put(idx, mine);
            if (queued != null) {
                before.add(queued);
            }
            before.addAll(overwrites.getOrDefault(idx, Set.of()));
        }
        CompletableFuture<Void> start = CompletableFuture.allOf(before.toArray(new CompletableFuture[0]));
        start.thenCompose(v -> op.get()).whenComplete((r, e) -> {
            synchronized (lockOf(idx)) {
                objectTails.remove(idx, mine);
            }
            if (e != null) {
                result.completeExceptionally(e);
            } else {
                result.complete(r);
            }
        });
        return result;
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > size()) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " outside the VDI of " + size()
                    + " bytes");
        }
    }

    private static RequestHeader objRequest(int opcode, int flags, int length, long oid, long cowOid, long offset) {
        return RequestHeader.obj(opcode, flags, 0, length, oid, cowOid, 0, offset).withOpcode(opcode, 0);
    }
}
