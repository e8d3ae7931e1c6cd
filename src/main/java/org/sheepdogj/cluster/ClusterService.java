package org.sheepdogj.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.util.ByteString;
import org.sheepdogj.protocol.ClusterInfo;
import org.sheepdogj.protocol.EpochLog;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Limits;
import org.sheepdogj.protocol.MdInfo;
import org.sheepdogj.protocol.Names;
import org.sheepdogj.protocol.ProtocolVersion;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResponseHeader;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;
import org.sheepdogj.store.ClusterConfig;
import org.sheepdogj.store.NodeStore;
import org.sheepdogj.store.ObjectStore;

/**
 * The cluster requests dog sends (MAKE_FS, SHUTDOWN, GET_NODE_LIST, STAT_CLUSTER, CLUSTER_INFO, STAT_SHEEP, ...):
 * answered from this node's view and epoch logs, or decided by the {@link ClusterCoordinator}.
 */
public final class ClusterService {
    public static final String STORE_DRIVER = "plain";
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(120);

    private final ActorSystem<?> system;
    private final ClusterState state;
    private final NodeStore store;
    private final Executor io;
    private final ActorRef<ClusterCoordinator.Command> coordinator;
    private final Supplier<CompletionStage<Void>> afterFormat;

    public ClusterService(ActorSystem<?> system, ClusterState state, NodeStore store, Executor io,
                          ActorRef<ClusterCoordinator.Command> coordinator,
                          Supplier<CompletionStage<Void>> afterFormat) {
        this.system = system;
        this.state = state;
        this.store = store;
        this.io = io;
        this.coordinator = coordinator;
        this.afterFormat = afterFormat;
    }

    public ClusterState state() {
        return state;
    }

    /** GET_NODE_LIST: the members of the current epoch, in node order. */
    public Response nodeList(Request req) {
        List<SdNode> nodes = state.current().nodes();
        byte[] payload = SdNode.encodeAll(nodes);
        if (payload.length > req.header().dataLength()) {
            return Response.of(ResultCode.BUFFER_SMALL);
        }
        return new Response(ResponseHeader.node(ResultCode.SUCCESS, nodes.size(), 0, 0),
                ByteString.fromArrayUnsafe(payload));
    }

    /** CLUSTER_INFO: the cluster's settings and the current members. */
    public Response clusterInfo(Request req) {
        ClusterView v = state.current();
        ClusterConfig c = v.config();
        ClusterInfo info = new ClusterInfo(ProtocolVersion.SHEEP, v.recoveryDisabled(), v.epoch(), c.ctime(),
                c.flags(), c.copies(), c.copyPolicy(), v.status(), c.blockSizeShift(), c.store(), v.nodes());
        byte[] bytes = info.encode();
        int len = Math.min(bytes.length, req.header().dataLength());
        return Response.data(ByteString.fromArrayUnsafe(bytes, 0, len));
    }

    /**
     * STAT_CLUSTER ({@code local_stat_cluster}): epoch records, newest first, each with room for
     * {@code nodes_nr} nodes, as many as fit the buffer; the result tells the cluster's status.
     */
    public CompletionStage<Response> statCluster(Request req) {
        return CompletableFuture.supplyAsync(() -> {
            ClusterView v = state.current();
            RequestHeader h = req.header();
            int slots = Math.min(Math.max(0, h.nodesNr()), ClusterInfo.MAX_NODES);
            int recordSize = EpochLog.recordSize(slots);
            long max = (h.dataLength() & 0xffffffffL) / recordSize;
            ClusterConfig c = v.config();
            int epoch = v.formatted() ? Math.max(v.epoch(), store.latestEpoch()) : 0;
            int count = (int) Math.min(max, Math.max(0, epoch));
            ByteBuffer out = ByteBuffer.allocate(count * recordSize);
            for (int i = 0; i < count; i++, epoch--) {
                List<SdNode> nodes = List.of();
                long time = 0;
                if (slots > 0) {
                    Optional<NodeStore.EpochRecord> rec = store.readEpoch(epoch);
                    if (rec.isPresent()) {
                        nodes = rec.get().nodes();
                        time = rec.get().time();
                    }
                    if (nodes.size() > slots) {
                        return Response.of(ResultCode.BUFFER_SMALL);
                    }
                }
                EpochLog log = i == 0
                        ? new EpochLog(c.ctime(), time, epoch, v.recoveryDisabled(), c.copies(), c.copyPolicy(),
                        c.flags(), c.store(), nodes)
                        : new EpochLog(0, time, epoch, false, 0, 0, 0, "", nodes);
                log.encode(out, slots);
            }
            return new Response(ResponseHeader.of(v.statusResult()).withDataLength(out.capacity()),
                    ByteString.fromArrayUnsafe(out.array()));
        }, io);
    }

    /**
     * STAT_SHEEP ({@code stat_sheep}): what the node can store, as sheep counts it: the free space of its file system
     * plus what its objects already take, and that free space (zero on a gateway).
     */
    public CompletionStage<Response> statSheep(ObjectStore objects) {
        return CompletableFuture.supplyAsync(() -> {
            if (state.current().self().isGateway()) {
                return Response.of(ResponseHeader.node(ResultCode.SUCCESS, 0, 0, 0));
            }
            long free = objects.space().free();
            return Response.of(ResponseHeader.node(ResultCode.SUCCESS, 0, free + objects.usedBytes(), free));
        }, io);
    }

    /**
     * MD_INFO ({@code md_get_info}): a node of ours keeps its objects in one directory, shown as disk 0 with the free
     * space of its file system and the bytes its objects take. The buffer must be the size sheep asserts.
     */
    public CompletionStage<Response> mdInfo(ObjectStore objects, Request req) {
        if (req.header().dataLength() != MdInfo.SIZE) {
            return CompletableFuture.completedFuture(Response.of(ResultCode.INVALID_PARMS));
        }
        return CompletableFuture.supplyAsync(() -> {
            MdInfo.Disk disk = new MdInfo.Disk(0, objects.space().free(), objects.usedBytes(),
                    objects.directory().toAbsolutePath().toString());
            return Response.data(ByteString.fromArrayUnsafe(new MdInfo(List.of(disk)).encode()));
        }, io);
    }

    /** GET_CLUSTER_DEFAULT: what QEMU uses when it creates a VDI without options. */
    public Response clusterDefault() {
        ClusterConfig c = state.current().config();
        return Response.of(ResponseHeader.clusterDefault(c.copies(), c.copyPolicy(), c.blockSizeShift()));
    }

    /** GET_STORE_LIST: the store drivers, space separated. */
    public Response storeList(Request req) {
        byte[] names = (STORE_DRIVER + " ").getBytes(StandardCharsets.US_ASCII);
        int len = Math.min(names.length, req.header().dataLength());
        return Response.data(ByteString.fromArrayUnsafe(names, 0, len));
    }

    /**
     * MAKE_FS ({@code cluster_make_fs}): the only store is {@value #STORE_DRIVER}; copies 0 means 3, block size
     * shift 0 means 22. Every node wipes its store and starts the epoch history again.
     */
    public CompletionStage<Response> format(Request req, int maxBlockSizeShift) {
        RequestHeader h = req.header();
        String driver = Names.read(req.payload().asByteBuffer(), 0, req.payload().size());
        if (!STORE_DRIVER.equals(driver)) {
            return CompletableFuture.completedFuture(Response.of(ResultCode.NO_STORE));
        }
        int copies = h.clusterCopies() == 0 ? Limits.DEFAULT_COPIES : h.clusterCopies();
        int shift = h.clusterBlockSizeShift() == 0 ? Limits.DEFAULT_BLOCK_SIZE_SHIFT : h.clusterBlockSizeShift();
        if (h.clusterCopyPolicy() != 0 || shift < Limits.MIN_BLOCK_SIZE_SHIFT || shift > maxBlockSizeShift
                || copies > Limits.MAX_COPIES) {
            return CompletableFuture.completedFuture(Response.of(ResultCode.INVALID_PARMS));
        }
        long ctime = h.clusterCtime() == 0 ? Inode.timestampNow() : h.clusterCtime();
        ClusterConfig config = new ClusterConfig(ctime, h.clusterFlags(), copies, driver, false, 0, shift,
                state.current().self().space());
        return askCoordinator(r -> new ClusterCoordinator.Format(config, ClusterCoordinator.FORMAT_ATTEMPTS, r)).thenCompose(resp -> resp.ok()
                ? afterFormat.get().thenApply(v -> resp) : CompletableFuture.completedFuture(resp));
    }

    /** SHUTDOWN of the whole cluster. */
    public CompletionStage<Response> shutdown() {
        return askCoordinator(ClusterCoordinator.Shutdown::new);
    }

    /** ENABLE_RECOVER / DISABLE_RECOVER. */
    public CompletionStage<Response> setRecovery(boolean disabled) {
        return askCoordinator(r -> new ClusterCoordinator.Reconfigure(null, disabled, r));
    }

    /** ALTER_CLUSTER_COPY. */
    public CompletionStage<Response> alterCopies(Request req) {
        int copies = req.header().clusterCopies();
        if (copies <= 0 || copies > Limits.MAX_COPIES || req.header().clusterCopyPolicy() != 0) {
            return CompletableFuture.completedFuture(Response.of(ResultCode.INVALID_PARMS));
        }
        return askCoordinator(r -> new ClusterCoordinator.Reconfigure(copies, null, r));
    }

    /** FORCE_RECOVER: run without the members of the last epoch that have not come back. */
    public CompletionStage<Response> forceRecover() {
        return askCoordinator(ClusterCoordinator.ForceRecover::new);
    }

    private CompletionStage<Response> askCoordinator(
            Function<ActorRef<ClusterCoordinator.Outcome>, ClusterCoordinator.Command> command) {
        CompletionStage<ClusterCoordinator.Outcome> outcome = AskPattern.ask(coordinator, command::apply, ASK_TIMEOUT,
                system.scheduler());
        return outcome.thenApply(o -> Response.of(o.result()));
    }
}
