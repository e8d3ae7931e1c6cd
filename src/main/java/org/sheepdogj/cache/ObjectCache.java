package org.sheepdogj.cache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.apache.pekko.util.ByteString;
import org.sheepdogj.peer.ObjectIo;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.store.ObjectStore;
import org.sheepdogj.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The object cache ({@code cache=writeback}, sheep's {@code -w}): a write-back cache of data objects on the gateway's
 * own disk, for clients that ask for it (QEMU's SD_FLAG_CMD_CACHE). A write to a cached object is acknowledged once
 * it is on the cache's disk (synced: it survives a crash of the gateway) and reaches the replicas at the next
 * FLUSH_VDI; reads of cached objects are served from the cache. New objects are created on the replicas directly,
 * so the inode never names an object that only one gateway has. When the cache is full, the least recently used
 * clean objects make room; writes that find no room go to the replicas as without a cache.
 *
 * <p>Like sheep's, the cache is for a VDI used through one gateway at a time (a VDI has one writer).
 */
public final class ObjectCache {
    private static final Logger log = LoggerFactory.getLogger(ObjectCache.class);
    /** {@code CACHE_MAX}: VDIs one GET_CACHE_INFO answer can describe. */
    private static final int CACHE_MAX = 1024;
    /** {@code struct object_cache_info}: size, used, caches[1024] of {vid, dirty, total}, count, directio. */
    private static final int INFO_SIZE = 16 + CACHE_MAX * 12 + 8;

    private final ObjectStore local;
    private final ObjectIo objects;
    private final long capacity;
    private final Executor io;
    /** Cached objects, least recently used first. */
    private final LinkedHashMap<Long, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
    private final ConcurrentHashMap<Long, CompletableFuture<Boolean>> loading = new ConcurrentHashMap<>();
    private long used;

    private static final class Entry {
        final long size;
        long version;
        long flushedVersion;

        Entry(long size) {
            this.size = size;
        }

        boolean dirty() {
            return version != flushedVersion;
        }
    }

    public ObjectCache(ObjectStore local, ObjectIo objects, long capacity, Executor io) {
        this.local = local;
        this.objects = objects;
        this.capacity = capacity;
        this.io = io;
        for (long oid : local.list()) {
            Entry e = new Entry(local.size(oid));
            e.version = 1;
            entries.put(oid, e);
            used += e.size;
        }
        if (!entries.isEmpty()) {
            log.info("object cache: {} object(s) from before the restart, to be flushed", entries.size());
        }
    }

    /** Whether a request may use the cache: data objects only. */
    public static boolean cacheable(long oid) {
        return Oid.isDataObj(oid);
    }

    /** A read: from the cache if the object is there, else from the replicas. */
    public CompletionStage<Response> read(long oid, long offset, int length, int copies) {
        if (!touch(oid)) {
            return objects.read(oid, offset, length, copies);
        }
        return CompletableFuture.supplyAsync(() -> Response.data(local.read(oid, offset, length)), io)
                .exceptionallyCompose(e -> objects.read(oid, offset, length, copies));
    }

    /** An overwrite: into the cache (loading the object first), or to the replicas when the cache has no room. */
    public CompletionStage<Response> write(long oid, long offset, ByteString data, int copies) {
        return load(oid, copies).thenCompose(cached -> {
            if (!cached) {
                return objects.write(oid, offset, data, copies);
            }
            return CompletableFuture.supplyAsync(() -> {
                local.write(oid, offset, data, true);
                synchronized (this) {
                    Entry e = entries.get(oid);
                    if (e != null) {
                        e.version++;
                    }
                }
                return Response.of(ResultCode.SUCCESS);
            }, io);
        });
    }

    /** The object changed on the replicas behind the cache (a create, a removal): the cached copy goes. */
    public CompletionStage<Void> invalidate(long oid) {
        synchronized (this) {
            if (!entries.containsKey(oid)) {
                return CompletableFuture.completedFuture(null);
            }
        }
        return flushObject(oid).thenRun(() -> drop(oid));
    }

    /** FLUSH_VDI: every dirty object of the VDI goes to its replicas, durably. */
    public CompletionStage<Response> flush(int vid) {
        List<Long> dirty = new ArrayList<>();
        synchronized (this) {
            entries.forEach((oid, e) -> {
                if ((vid < 0 || Oid.toVid(oid) == vid) && e.dirty()) {
                    dirty.add(oid);
                }
            });
        }
        CompletableFuture<?>[] all = dirty.stream().map(oid -> flushObject(oid).toCompletableFuture())
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all).thenApply(v -> Response.of(ResultCode.SUCCESS))
                .exceptionally(e -> {
                    log.error("object cache: flush of VDI {} failed: {}", Integer.toHexString(vid), e.toString());
                    return Response.of(ResultCode.EIO);
                });
    }

    /** Flushes and forgets a VDI's objects (DELETE_CACHE), or every VDI's with -1 (CACHE_PURGE). */
    public CompletionStage<Response> purge(int vid) {
        return flush(vid).thenApply(r -> {
            if (r.ok()) {
                List<Long> gone = new ArrayList<>();
                synchronized (this) {
                    entries.keySet().forEach(oid -> {
                        if (vid < 0 || Oid.toVid(oid) == vid) {
                            gone.add(oid);
                        }
                    });
                }
                gone.forEach(this::drop);
            }
            return r;
        });
    }

    private CompletionStage<Void> flushObject(long oid) {
        long version;
        synchronized (this) {
            Entry e = entries.get(oid);
            if (e == null || !e.dirty()) {
                return CompletableFuture.completedFuture(null);
            }
            version = e.version;
        }
        return CompletableFuture.supplyAsync(() -> local.readWhole(oid, null), io)
                .thenCompose(data -> objects.write(oid, 0, data, 0))
                .thenAccept(r -> {
                    if (!r.ok()) {
                        throw new StoreException(r.result(), "flush of " + Oid.hex(oid));
                    }
                    synchronized (this) {
                        Entry e = entries.get(oid);
                        if (e != null) {
                            e.flushedVersion = Math.max(e.flushedVersion, version);
                        }
                    }
                });
    }

    /**
     * A format: what the cache holds, dirty or not, is of a cluster that is no more, and must neither be read nor reach
     * the new one's objects (a VDI created again under its name has the same id, and so the same object ids).
     */
    public void wipe() {
        synchronized (this) {
            entries.clear();
            used = 0;
        }
        local.wipe();
        log.info("object cache: emptied by a format");
    }

    /** Marks an object recently used; false if it is not cached. */
    private synchronized boolean touch(long oid) {
        return entries.get(oid) != null;
    }

    /** The object in the cache: true if it is (or now is), false if there is no room. */
    private CompletionStage<Boolean> load(long oid, int copies) {
        if (touch(oid)) {
            return CompletableFuture.completedFuture(true);
        }
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> running = loading.putIfAbsent(oid, mine);
        if (running != null) {
            return running;
        }
        long size = objects.policy().sizeOf(oid);
        if (!makeRoom(size)) {
            loading.remove(oid);
            mine.complete(false);
            return mine;
        }
        objects.read(oid, 0, (int) size, copies).thenCompose(r -> {
            if (!r.ok()) {
                return CompletableFuture.completedFuture(false);
            }
            return CompletableFuture.supplyAsync(() -> {
                local.create(oid, size, 0, r.payload(), true);
                synchronized (this) {
                    entries.put(oid, new Entry(size));
                }
                return true;
            }, io);
        }).whenComplete((ok, e) -> {
            loading.remove(oid);
            if (e != null || !ok) {
                synchronized (this) {
                    used -= size;
                }
                mine.complete(false);
            } else {
                mine.complete(true);
            }
        });
        return mine;
    }

    /** Reserves {@code size} bytes, evicting clean objects, least recently used first. */
    private boolean makeRoom(long size) {
        List<Long> evicted = new ArrayList<>();
        synchronized (this) {
            Iterator<Map.Entry<Long, Entry>> it = entries.entrySet().iterator();
            while (used + size > capacity && it.hasNext()) {
                Map.Entry<Long, Entry> e = it.next();
                if (!e.getValue().dirty()) {
                    it.remove();
                    used -= e.getValue().size;
                    evicted.add(e.getKey());
                }
            }
            if (used + size > capacity) {
                return false;
            }
            used += size;
        }
        evicted.forEach(local::remove);
        return true;
    }

    private void drop(long oid) {
        synchronized (this) {
            Entry e = entries.remove(oid);
            if (e == null) {
                return;
            }
            used -= e.size;
        }
        local.remove(oid);
    }

    /** GET_CACHE_INFO: the cache's size and use, and per VDI its cached and dirty objects. */
    public Response info() {
        Map<Integer, int[]> perVdi = new TreeMap<>();
        long size;
        long inUse;
        synchronized (this) {
            entries.forEach((oid, e) -> {
                int[] c = perVdi.computeIfAbsent(Oid.toVid(oid), k -> new int[2]);
                c[0]++;
                if (e.dirty()) {
                    c[1]++;
                }
            });
            size = capacity;
            inUse = used;
        }
        ByteBuffer b = ByteBuffer.allocate(INFO_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, size).putLong(8, inUse);
        int i = 0;
        for (Map.Entry<Integer, int[]> e : perVdi.entrySet()) {
            if (i == CACHE_MAX) {
                break;
            }
            int at = 16 + i * 12;
            b.putInt(at, e.getKey()).putInt(at + 4, e.getValue()[1]).putInt(at + 8, e.getValue()[0]);
            i++;
        }
        b.putInt(16 + CACHE_MAX * 12, i);
        return Response.data(ByteString.fromArrayUnsafe(b.array()));
    }
}
