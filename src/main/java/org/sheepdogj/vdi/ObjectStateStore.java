package org.sheepdogj.vdi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.persistence.state.DurableStateStoreProvider;
import org.apache.pekko.persistence.state.javadsl.DurableStateUpdateStore;
import org.apache.pekko.persistence.state.javadsl.GetObjectResult;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.util.ByteString;
import org.sheepdogj.peer.ObjectIo;
import org.sheepdogj.protocol.Hashes;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.store.StoreException;

import com.typesafe.config.Config;

import scala.Option;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

/**
 * Pekko Persistence durable state kept in the cluster's own object store: each persistence id is one object (kind
 * bit 56, id from the hash of the persistence id), written whole and atomically through the replicated object path,
 * so the state of a VDI actor survives the loss of any node that a VDI's data survives. No database is involved.
 *
 * <p>Layout of the object: magic, total length, revision, persistence id, serializer id, manifest, payload.
 */
public final class ObjectStateStore implements DurableStateUpdateStore<Object> {
    private static final int MAGIC = 0x534a4453;
    private static final int FIRST_READ = 4096;
    private static final Map<ActorSystem, Backend> BACKENDS = new ConcurrentHashMap<>();

    /** A node's object path, and the result of the last failed write of each persistence id's state. */
    private record Backend(ObjectIo objects, Map<String, Integer> failures) {
    }

    private final ExtendedActorSystem system;
    private final Serialization serialization;

    public ObjectStateStore(ExtendedActorSystem system) {
        this.system = system;
        this.serialization = SerializationExtension.get(system);
    }

    /** Makes the node's object path available to the store plugin of its actor system. */
    public static void register(ActorSystem system, ObjectIo objects) {
        BACKENDS.put(system, new Backend(objects, new ConcurrentHashMap<>()));
    }

    /**
     * Why the last write of {@code persistenceId}'s state in {@code system} failed (EIO when it did not end with an
     * answer of the replicas), forgotten once asked: what the actor that restarts after it answers its client.
     */
    static int takeFailure(ActorSystem system, String persistenceId) {
        Backend b = BACKENDS.get(system);
        Integer result = b == null ? null : b.failures().remove(persistenceId);
        return result == null ? ResultCode.EIO : result;
    }

    private Backend backend() {
        Backend b = BACKENDS.get(system);
        if (b == null) {
            throw new IllegalStateException("no object store registered for actor system " + system.name());
        }
        return b;
    }

    private ObjectIo objects() {
        return backend().objects();
    }

    static long oidOf(String persistenceId) {
        long h = Hashes.fnv1a64(persistenceId.getBytes(StandardCharsets.UTF_8), Hashes.FNV1A_64_INIT);
        return Oid.META_BIT | (h & 0x00ffffffffffffffL);
    }

    @Override
    public CompletionStage<GetObjectResult<Object>> getObject(String persistenceId) {
        long oid = oidOf(persistenceId);
        return objects().read(oid, 0, FIRST_READ, 0).thenCompose(first -> {
            if (first.result() == ResultCode.NO_OBJ) {
                return CompletableFuture.completedFuture(empty());
            }
            if (!first.ok()) {
                throw new StoreException(first.result(), "cannot read state of " + persistenceId);
            }
            ByteBuffer head = first.payload().asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (head.getInt(0) != MAGIC) {
                return CompletableFuture.completedFuture(empty());
            }
            int total = head.getInt(4);
            if (total <= FIRST_READ) {
                return CompletableFuture.completedFuture(decode(persistenceId, first.payload()));
            }
            return objects().read(oid, 0, total, 0).thenApply(all -> {
                if (!all.ok()) {
                    throw new StoreException(all.result(), "cannot read state of " + persistenceId);
                }
                return decode(persistenceId, all.payload());
            });
        });
    }

    private static GetObjectResult<Object> empty() {
        return new GetObjectResult<>(Optional.empty(), 0);
    }

    private GetObjectResult<Object> decode(String persistenceId, ByteString bytes) {
        ByteBuffer b = bytes.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long revision = b.getLong(8);
        int pos = 16;
        byte[] pid = new byte[b.getShort(pos) & 0xffff];
        b.get(pos + 2, pid);
        pos += 2 + pid.length;
        if (!persistenceId.equals(new String(pid, StandardCharsets.UTF_8))) {
            throw new IllegalStateException("state object of " + persistenceId + " holds "
                    + new String(pid, StandardCharsets.UTF_8));
        }
        int serializerId = b.getInt(pos);
        pos += 4;
        byte[] manifest = new byte[b.getShort(pos) & 0xffff];
        b.get(pos + 2, manifest);
        pos += 2 + manifest.length;
        byte[] payload = new byte[b.getInt(pos)];
        b.get(pos + 4, payload);
        Object value = serialization.deserialize(payload, serializerId,
                new String(manifest, StandardCharsets.UTF_8)).get();
        return new GetObjectResult<>(Optional.of(value), revision);
    }

    @Override
    public CompletionStage<Done> upsertObject(String persistenceId, long revision, Object value, String tag) {
        byte[] pid = persistenceId.getBytes(StandardCharsets.UTF_8);
        org.apache.pekko.serialization.Serializer serializer = serialization.findSerializerFor(value);
        byte[] manifest = Serializers.manifestFor(serializer, value).getBytes(StandardCharsets.UTF_8);
        byte[] payload = serializer.toBinary(value);
        int total = 16 + 2 + pid.length + 4 + 2 + manifest.length + 4 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(total).putLong(revision).putShort((short) pid.length).put(pid)
                .putInt(serializer.identifier()).putShort((short) manifest.length).put(manifest)
                .putInt(payload.length).put(payload);
        return objects().create(oidOf(persistenceId), 0, ByteString.fromArrayUnsafe(b.array()), 0).thenApply(r -> {
            if (!r.ok()) {
                backend().failures().put(persistenceId, r.result());
                throw new StoreException(r.result(), "cannot persist state of " + persistenceId);
            }
            return Done.getInstance();
        });
    }

    @Override
    public CompletionStage<Done> deleteObject(String persistenceId) {
        return objects().remove(oidOf(persistenceId), 0).thenApply(r -> Done.getInstance());
    }

    @Override
    public CompletionStage<Done> deleteObject(String persistenceId, long revision) {
        return deleteObject(persistenceId);
    }

    /** The Scala view that Pekko's durable state behaviors use. */
    static final class Scala implements org.apache.pekko.persistence.state.scaladsl.DurableStateUpdateStore<Object> {
        private final ObjectStateStore store;

        Scala(ObjectStateStore store) {
            this.store = store;
        }

        @Override
        public Future<org.apache.pekko.persistence.state.scaladsl.GetObjectResult<Object>> getObject(String id) {
            return FutureConverters.asScala(store.getObject(id).thenApply(r ->
                    org.apache.pekko.persistence.state.scaladsl.GetObjectResult.apply(
                            Option.apply(r.value().orElse(null)), r.revision())));
        }

        @Override
        public Future<Done> upsertObject(String id, long revision, Object value, String tag) {
            return FutureConverters.asScala(store.upsertObject(id, revision, value, tag));
        }

        @Override
        public Future<Done> deleteObject(String id) {
            return FutureConverters.asScala(store.deleteObject(id));
        }

        @Override
        public Future<Done> deleteObject(String id, long revision) {
            return FutureConverters.asScala(store.deleteObject(id, revision));
        }
    }

    /** Named in {@code application.conf} as the durable state plugin's class. */
    public static final class Provider implements DurableStateStoreProvider {
        private final ObjectStateStore store;

        public Provider(ExtendedActorSystem system, Config config, String configPath) {
            this.store = new ObjectStateStore(system);
        }

        @Override
        public org.apache.pekko.persistence.state.scaladsl.DurableStateStore<Object> scaladslDurableStateStore() {
            return new Scala(store);
        }

        @Override
        public org.apache.pekko.persistence.state.javadsl.DurableStateStore<Object> javadslDurableStateStore() {
            return store;
        }
    }
}
