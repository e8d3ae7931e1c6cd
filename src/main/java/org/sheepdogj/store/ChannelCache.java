package org.sheepdogj.store;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Keeps object files open between requests (an open and a close per 4 KiB write would cost more than the write), and
 * mapped once read. Channels are reference counted so that eviction or invalidation never closes or unmaps one that a
 * request is using.
 */
final class ChannelCache implements AutoCloseable {
    private final LongFunction<Path> pathOf;
    private final int capacity;
    private final LinkedHashMap<Long, Handle> open = new LinkedHashMap<>(64, 0.75f, true);

    /** An open channel and the requests using it. */
    final class Handle implements AutoCloseable {
        final FileChannel channel;
        private int users;
        private boolean retired;
        private final AtomicLong written = new AtomicLong();
        private long synced;
        private final Object syncLock = new Object();
        private volatile MappedByteBuffer mapping;
        private volatile boolean unmappable;

        /** Counts a write that has reached the file; {@link #syncUpTo} with the number makes it durable. */
        long wrote() {
            return written.incrementAndGet();
        }

        /**
         * Makes every write counted up to {@code seq} durable. Writers that arrive while a sync runs wait for it and
         * find their write covered by the next one: one sync serves all the writes made before it started.
         */
        void syncUpTo(long seq) throws IOException {
            synchronized (syncLock) {
                if (synced >= seq) {
                    return;
                }
                long covered = written.get();
                channel.force(false);
                synced = covered;
            }
        }

        private Handle(FileChannel channel) {
            this.channel = channel;
        }

        /**
         * The file mapped for reading, as long as it was when first asked for; null when it is empty or cannot be
         * mapped (reads then go through the channel). Valid while the handle is held: it is unmapped when the channel
         * closes.
         */
        MappedByteBuffer mapping() throws IOException {
            MappedByteBuffer m = mapping;
            if (m != null || unmappable) {
                return m;
            }
            synchronized (this) {
                if (mapping == null && !unmappable) {
                    long size = channel.size();
                    if (size == 0 || size > Integer.MAX_VALUE) {
                        return null;
                    }
                    try {
                        mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
                    } catch (IOException e) {
                        // a file system without mmap, or no address space left: the channel still reads it
                        unmappable = true;
                    }
                }
                return mapping;
            }
        }

        private void release() {
            MappedByteBuffer m = mapping;
            if (m != null) {
                Unmapper.unmap(m);
            }
            quietClose(channel);
        }

        @Override
        public void close() {
            boolean closeNow;
            synchronized (ChannelCache.this) {
                users--;
                closeNow = retired && users == 0;
            }
            if (closeNow) {
                release();
            }
        }
    }

    ChannelCache(LongFunction<Path> pathOf, int capacity) {
        this.pathOf = pathOf;
        this.capacity = capacity;
    }

    /**
     * The open channel of an existing object, to be closed by the caller when done.
     *
     * @throws NoSuchFileException if the object does not exist
     */
    Handle acquire(long oid) throws IOException {
        synchronized (this) {
            Handle h = open.get(oid);
            if (h != null) {
                h.users++;
                return h;
            }
        }
        FileChannel ch = FileChannel.open(pathOf.apply(oid), StandardOpenOption.READ, StandardOpenOption.WRITE);
        synchronized (this) {
            Handle existing = open.get(oid);
            if (existing != null) {
                quietClose(ch);
                existing.users++;
                return existing;
            }
            Handle h = new Handle(ch);
            h.users = 1;
            open.put(oid, h);
            evictOverCapacity();
            return h;
        }
    }

    /** Forgets the channel of an object whose file is being replaced or removed. */
    synchronized void invalidate(long oid) {
        Handle h = open.remove(oid);
        if (h != null) {
            retire(h);
        }
    }

    private void evictOverCapacity() {
        Iterator<Map.Entry<Long, Handle>> it = open.entrySet().iterator();
        while (open.size() > capacity && it.hasNext()) {
            Handle h = it.next().getValue();
            it.remove();
            retire(h);
        }
    }

    private void retire(Handle h) {
        h.retired = true;
        if (h.users == 0) {
            h.release();
        }
    }

    @Override
    public synchronized void close() {
        for (Handle h : open.values()) {
            retire(h);
        }
        open.clear();
    }

    private static void quietClose(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing a channel we no longer use: nothing to recover
        }
    }
}
