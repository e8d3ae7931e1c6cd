package org.sheepdogj.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's store directory: {@code obj/} (the objects), {@code config} (the cluster's format), {@code epoch/%08d}
 * (the membership of every epoch and when it began), {@code peers} (where the other members were last seen), and
 * {@code reserve}: room set aside for those records, given up when the disk is full, since a node that cannot record
 * an epoch cannot follow the cluster (sheep stops there). One process at a time: the directory is locked while open.
 */
public final class NodeStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeStore.class);
    private static final String PEERS = "peers";
    private static final String RESERVE = "reserve";
    /** Some fifty epochs of a cluster of a thousand nodes (80 bytes each), or a thousand of a small one. */
    private static final int RESERVE_BYTES = 4 << 20;
    private final Path root;
    private final Path epochDir;
    private final ObjectStore objects;
    private final FileChannel lockChannel;
    private final FileLock lock;

    /** One epoch's membership and the time it started (seconds since 1970). */
    public record EpochRecord(int epoch, List<SdNode> nodes, long time) {
    }

    private NodeStore(Path root, ObjectStore objects, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.epochDir = root.resolve("epoch");
        this.objects = objects;
        this.lockChannel = lockChannel;
        this.lock = lock;
        setAside();
    }

    /**
     * Opens (creating if needed) a store directory.
     *
     * @throws StoreException if the directory cannot be used or another process holds it
     */
    public static NodeStore open(Path root, boolean sync, int openFiles) {
        try {
            Files.createDirectories(root);
            Files.createDirectories(root.resolve("epoch"));
            FileChannel ch = FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                ch.close();
                throw new StoreException(ResultCode.SYSTEM_ERROR,
                        "store " + root + " is in use by another process");
            }
            ObjectStore objects = new ObjectStore(root.resolve("obj"), sync, openFiles);
            return new NodeStore(root, objects, ch, lock);
        } catch (IOException e) {
            throw StoreException.of("cannot open store " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    public ObjectStore objects() {
        return objects;
    }

    public ClusterConfig readConfig() {
        try {
            return ClusterConfig.decode(Files.readAllBytes(root.resolve("config")));
        } catch (NoSuchFileException e) {
            return ClusterConfig.unformatted();
        } catch (IOException e) {
            throw StoreException.of("read config", e);
        }
    }

    public void writeConfig(ClusterConfig config) {
        writeAtomically(root.resolve("config"), config.encode());
    }

    public void writeEpoch(EpochRecord rec) {
        byte[] nodes = SdNode.encodeAll(rec.nodes());
        ByteBuffer b = ByteBuffer.allocate(nodes.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(nodes).putLong(rec.time());
        writeAtomically(epochDir.resolve(String.format("%08d", rec.epoch())), b.array());
    }

    public Optional<EpochRecord> readEpoch(int epoch) {
        try {
            byte[] bytes = Files.readAllBytes(epochDir.resolve(String.format("%08d", epoch)));
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int count = (bytes.length - 8) / SdNode.SIZE;
            List<SdNode> nodes = SdNode.decodeAll(b, count);
            return Optional.of(new EpochRecord(epoch, nodes, b.getLong(bytes.length - 8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw StoreException.of("read epoch " + epoch, e);
        }
    }

    /** Every epoch recorded, in ascending order. */
    public List<Integer> epochs() {
        List<Integer> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(epochDir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.matches("\\d{8}")) {
                    out.add(Integer.parseInt(n));
                }
            }
        } catch (IOException e) {
            throw StoreException.of("list epochs", e);
        }
        out.sort(Integer::compare);
        return out;
    }

    /**
     * The first of the latest epochs whose records all list {@code self}, without a gap: since when the node has been
     * a member without a break (past the latest epoch if that one does not list it).
     */
    public int memberSince(NodeId self) {
        int e = latestEpoch();
        while (e > 0 && readEpoch(e).map(r -> r.nodes().stream().anyMatch(n -> n.nid().equals(self))).orElse(false)) {
            e--;
        }
        return e + 1;
    }

    public int latestEpoch() {
        List<Integer> all = epochs();
        return all.isEmpty() ? 0 : all.get(all.size() - 1);
    }

    /** Forgets every epoch (MAKE_FS starts the history again). */
    public void clearEpochs() {
        for (int e : epochs()) {
            try {
                Files.deleteIfExists(epochDir.resolve(String.format("%08d", e)));
            } catch (IOException ex) {
                throw StoreException.of("remove epoch " + e, ex);
            }
        }
    }

    /** The cluster addresses ({@code HOST:PORT}) of the other members this node last saw, one per line. */
    public List<String> readPeers() {
        try {
            return Files.readAllLines(root.resolve(PEERS), StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank()).toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw StoreException.of("read peers", e);
        }
    }

    public void writePeers(List<String> peers) {
        writeAtomically(root.resolve(PEERS), String.join("\n", peers).getBytes(StandardCharsets.UTF_8));
    }

    private void writeAtomically(Path target, byte[] bytes) {
        try {
            write(target, bytes);
        } catch (IOException e) {
            StoreException failure = StoreException.of("write " + target, e);
            if (failure.result() != ResultCode.NO_SPACE || !release()) {
                throw failure;
            }
            log.warn("node store {}: disk full, {} written in the room set aside for the node's records; writes of"
                    + " objects now leave {} MiB free", root, root.relativize(target), RESERVE_BYTES >> 20);
            try {
                write(target, bytes);
            } catch (IOException again) {
                throw StoreException.of("write " + target, again);
            }
            return;
        }
        setAside();
    }

    private static void write(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /**
     * Sets the reserve aside (again) when it is missing and the disk has room for it and as much beside. While there
     * is none, writes of objects leave as much free instead, so that they do not take the room the records need.
     */
    private void setAside() {
        Path reserve = root.resolve(RESERVE);
        boolean held = Files.exists(reserve);
        try {
            if (!held && Files.getFileStore(root).getUsableSpace() >= 2L * RESERVE_BYTES) {
                // written, not just sized: a sparse file would hold no blocks for the records
                write(reserve, new byte[RESERVE_BYTES]);
                held = true;
            }
        } catch (IOException e) {
            log.warn("node store {}: cannot set room aside for the node's records: {}", root, e.toString());
        }
        objects.keepFree(held ? 0 : RESERVE_BYTES);
    }

    /** Gives up the reserve, whose room writes of objects then leave free; false if there was none. */
    private boolean release() {
        objects.keepFree(RESERVE_BYTES);
        try {
            return Files.deleteIfExists(root.resolve(RESERVE));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        objects.close();
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
    }
}
