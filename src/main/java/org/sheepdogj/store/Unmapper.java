package org.sheepdogj.store;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;

/**
 * Unmaps a mapped file at once instead of when the collector finds its buffer unreachable: mappings of object files
 * evicted from the cache would otherwise pile up (a process may have at most {@code vm.max_map_count} of them) for as
 * long as their buffers sit in the old generation. Java 17 offers this only through {@code sun.misc.Unsafe}; where it
 * is missing, the collector unmaps as before.
 */
final class Unmapper {
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        Method invokeCleaner = null;
        try {
            Class<?> type = Class.forName("sun.misc.Unsafe");
            Field the = type.getDeclaredField("theUnsafe");
            the.setAccessible(true);
            unsafe = the.get(null);
            invokeCleaner = type.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // no invokeCleaner: unmap leaves every mapping to the collector
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = invokeCleaner;
    }

    private Unmapper() {
    }

    /** Unmaps {@code m}; it must not be read again. */
    static void unmap(MappedByteBuffer m) {
        if (INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, m);
        } catch (IllegalAccessException | InvocationTargetException e) {
            // left to the collector, which unmaps it when the buffer is unreachable
        }
    }
}
