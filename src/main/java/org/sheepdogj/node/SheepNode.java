package org.sheepdogj.node;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.util.ByteString;
import org.sheepdogj.cache.ObjectCache;
import org.sheepdogj.cluster.ClusterCoordinator;
import org.sheepdogj.cluster.ClusterManager;
import org.sheepdogj.cluster.ClusterService;
import org.sheepdogj.cluster.ClusterState;
import org.sheepdogj.cluster.ClusterView;
import org.sheepdogj.cluster.PeerAddresses;
import org.sheepdogj.gateway.NodeControl;
import org.sheepdogj.gateway.RequestDispatcher;
import org.sheepdogj.gateway.SheepdogServer;
import org.sheepdogj.nbd.NbdServer;
import org.sheepdogj.management.Management;
import org.sheepdogj.management.NodeMetrics;
import org.sheepdogj.management.NodeSources;
import org.sheepdogj.peer.ObjectIo;
import org.sheepdogj.peer.PeerService;
import org.sheepdogj.peer.RoutingPeerTransport;
import org.sheepdogj.peer.TcpPeerTransport;
import org.sheepdogj.protocol.ClusterFlags;
import org.sheepdogj.recovery.EpochTransition;
import org.sheepdogj.recovery.RecoveryManager;
import org.sheepdogj.recovery.RecoveryRequests;
import org.sheepdogj.recovery.RecoveryTracker;
import org.sheepdogj.protocol.Limits;
import org.sheepdogj.protocol.NodeId;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.protocol.SdNode;
import org.sheepdogj.store.ClusterConfig;
import org.sheepdogj.store.NodeStore;
import org.sheepdogj.store.ObjectStore;
import org.sheepdogj.vdi.VdiService;
import org.sheepdogj.vdi.VdiTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * A running node: its store, its actor system in the Pekko cluster, the cluster and VDI services, and the listeners.
 * Built bottom-up in the order of the packages (store, cluster, peer, vdi, gateway).
 */
public final class SheepNode implements NodeControl {
    private static final Logger log = LoggerFactory.getLogger(SheepNode.class);

    private final NodeSettings settings;
    private final NodeStore store;
    private final ActorSystem<Void> system;
    private final ClusterState clusterState;
    private final ObjectIo objects;
    private final ActorRef<RecoveryManager.Command> recovery;
    private final VdiService vdis;
    private final ClusterService clusterService;
    private final RequestDispatcher dispatcher;
    private final SheepdogServer server;
    private final NbdServer nbd;
    /** The largest NBD read or write: the block size limit the export advertises. */
    private static final int NBD_MAX_REQUEST = 32 << 20;
    private final Management management;
    private final CompletableFuture<Integer> terminated = new CompletableFuture<>();
    /** The process exit status once the node stops; a node removed from the cluster (downed) exits with 3. */
    private volatile int exitStatus = 3;

    private SheepNode(NodeSettings settings, Config config, NodeStore store) {
        this.settings = settings;
        this.store = store;
        ClusterConfig onDisk = store.readConfig();
        SdNode self = selfNode(settings, store, onDisk.space());
        int autoFlag = settings.vnodes() < 0 ? ClusterFlags.AUTO_VNODES : 0;
        ClusterConfig initial = onDisk.formatted() ? onDisk
                : new ClusterConfig(0, autoFlag, 0, "", false, 0, 0, self.space());
        this.clusterState = new ClusterState(ClusterView.initial(self, initial));

        this.system = ActorSystem.create(Behaviors.empty(), "sheepdog", pekkoConfig(settings).withFallback(config));
        Executor io = system.dispatchers().lookup(DispatcherSelector.fromConfig("sheepdog.io-dispatcher"));

        VdiTable table = new VdiTable(clusterState);
        PeerService peers = new PeerService(store, clusterState, io, table);
        TcpPeerTransport remote = new TcpPeerTransport(system, settings.maxDataLength());
        RoutingPeerTransport transport = new RoutingPeerTransport(self.nid(), peers, remote);
        this.objects = new ObjectIo(clusterState, transport, table);
        peers.setDataRemover(oid -> objects.remove(oid, 0));

        RecoveryTracker tracker = new RecoveryTracker();
        peers.setRecoveryGate(tracker);
        EpochTransition transition = new EpochTransition(store.objects(), peers, table, tracker,
                store.memberSince(self.nid()));
        ObjectCache cache = objectCache(settings, store, io);
        system.systemActorOf(ClusterManager.create(store, clusterState, io, new ClusterManager.Hooks() {
            @Override
            public void wipeObjects() {
                store.objects().wipe();
                if (cache != null) {
                    cache.wipe();
                }
            }

            @Override
            public void changeEpoch(ClusterView before, ClusterView after, NodeStore.EpochRecord previous,
                                    Runnable publish) {
                transition.change(after, previous, publish);
            }

            @Override
            public void gathered(ClusterView view) {
                transition.gathered(view);
            }

            @Override
            public void shutdownRequested() {
                stop(0, Duration.ofMillis(300));
            }
        }), "cluster-manager", Props.empty());
        ActorRef<ClusterCoordinator.Command> coordinator = ClusterSingleton.get(system)
                .init(SingletonActor.of(ClusterCoordinator.create(), "cluster-coordinator"));
        this.recovery = system.systemActorOf(RecoveryManager.create(transport, peers, table, tracker, coordinator,
                settings.maxDataLength(), settings.recoveryThrottle()), "recovery", Props.empty());
        clusterState.subscribe(v -> recovery.tell(new RecoveryManager.ViewChanged(v)));

        this.vdis = new VdiService(system, clusterState, objects, table, self.nid(), settings.maxBlockSizeShift());
        this.clusterService = new ClusterService(system, clusterState, store, io, coordinator,
                vdis::resetForFormat);
        RecoveryRequests recoveryRequests = new RecoveryRequests(recovery, system.scheduler());
        NodeMetrics metrics = new NodeMetrics();
        this.dispatcher = new RequestDispatcher(clusterService, vdis, peers, objects, store.objects(), cache,
                recoveryRequests, settings.maxBlockSizeShift(), this, metrics.observer());
        this.server = new SheepdogServer(system, dispatcher, clusterState, new SheepdogServer.Limits(
                settings.maxDataLength(), settings.maxInFlight(), settings.connectionBytes(), settings.nodeBytes()));
        this.nbd = settings.nbdPort() == 0 ? null : new NbdServer(system, dispatcher::handle,
                NBD_MAX_REQUEST, settings.connectionBytes());
        this.management = new Management(system, new NodeSources(clusterState, store.objects(), server,
                recoveryRequests, tracker::pendingCount, table, objects), metrics);
        system.getWhenTerminated().whenComplete((d, e) -> {
            boolean downed = CoordinatedShutdown.get(system).getShutdownReason()
                    .filter(r -> r instanceof CoordinatedShutdown.ClusterDowningReason$).isPresent();
            if (downed) {
                log.warn("node {}: removed from the cluster, stopping", self.nid());
            } else if (exitStatus == 3) {
                exitStatus = 0;
            }
            management.close();
            store.close();
            terminated.complete(exitStatus);
        });
    }

    /**
     * Starts a node and binds its listeners.
     *
     * @throws StartupException if the store or a port cannot be used
     */
    public static SheepNode start(NodeSettings settings, Config config) {
        int level = LogLevels.parse(settings.logLevel());
        if (level < 0) {
            throw new StartupException("invalid log level '" + settings.logLevel() + "'");
        }
        LogLevels.apply(level);
        NodeStore store;
        try {
            store = NodeStore.open(settings.store(), !settings.nosync(), settings.openFiles());
        } catch (RuntimeException e) {
            throw new StartupException("cannot use store directory " + settings.store() + ": " + e.getMessage());
        }
        SheepNode node;
        try {
            node = new SheepNode(settings, config, store);
        } catch (RuntimeException e) {
            store.close();
            throw new StartupException("cannot start: " + e.getMessage());
        }
        node.listen(node.server.bind(settings.bindAddress(), settings.port()), settings.port());
        if (node.nbd != null) {
            node.listen(node.nbd.bind(settings.bindAddress(), settings.nbdPort()), settings.nbdPort());
        }
        try {
            node.management.start(settings.bindAddress(), settings.httpPort());
        } catch (RuntimeException e) {
            node.stop(2, Duration.ZERO);
            throw new StartupException("cannot listen on " + settings.bindAddress() + ":" + settings.httpPort()
                    + " for HTTP: " + rootMessage(e));
        }
        // only a node that could open all its ports joins: one that joined and then stopped would make the
        // cluster change its epoch twice, and move objects to it and back
        node.joinCluster(settings);
        log.info("node {} started: store {}, zone {}, {} vnodes{}{}", node.clusterState.current().self().nid(),
                settings.store(), node.clusterState.current().self().zone(),
                settings.vnodes() < 0 ? "auto" : settings.vnodes(), settings.gateway() ? ", gateway only" : "",
                settings.nosync() ? ", nosync" : "");
        return node;
    }

    private void listen(CompletionStage<?> binding, int port) {
        try {
            binding.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            stop(2, Duration.ZERO);
            throw new StartupException("cannot listen on " + settings.bindAddress() + ":" + port + ": "
                    + rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    /** The object cache, if one is configured; what a crash left dirty in it is flushed once the cluster runs. */
    private ObjectCache objectCache(NodeSettings s, NodeStore store, Executor io) {
        if (s.objectCacheBytes() <= 0) {
            return null;
        }
        ObjectCache cache = new ObjectCache(new ObjectStore(store.root().resolve("cache"), !s.nosync(),
                s.openFiles()), objects, s.objectCacheBytes(), io);
        AtomicBoolean flushed = new AtomicBoolean();
        clusterState.subscribe(v -> {
            if (v.running() && flushed.compareAndSet(false, true)) {
                cache.flush(-1);
            }
        });
        return cache;
    }

    /** {@code recorded}: the space in the node's config, 0 until it first ran. */
    private static SdNode selfNode(NodeSettings s, NodeStore store, long recorded) {
        NodeId nid = NodeId.of(s.advertiseAddress(), s.port());
        int zone = s.zone() >= 0 ? s.zone() : nid.defaultZone();
        // the space offered when the node first ran, as sheep keeps it: with auto vnodes a node restarted with a full
        // disk would otherwise offer nothing and lose its share of the ring, and its objects would move away
        long space = s.gateway() ? 0 : recorded > 0 ? recorded : store.objects().space().free();
        int vnodes = s.gateway() ? 0 : s.vnodes() >= 0 ? s.vnodes() : Limits.DEFAULT_VNODES;
        return new SdNode(nid, vnodes, zone, space);
    }

    private static Config pekkoConfig(NodeSettings s) {
        return ConfigFactory.parseString(
                "pekko.remote.artery.canonical.hostname = \"" + s.advertiseAddress() + "\"\n"
                        + "pekko.remote.artery.canonical.port = " + s.clusterPort() + "\n"
                        + "pekko.remote.artery.bind.hostname = \"" + s.bindAddress() + "\"\n"
                        + "pekko.remote.artery.bind.port = " + s.clusterPort() + "\n");
    }

    /**
     * Joins the cluster through {@code --join} and, once formatted, through the members the store remembers. A node
     * without {@code --join} lists itself first: Pekko's first seed node joins the others' cluster when one of them
     * answers, and forms the cluster itself only when none does (the whole cluster starting).
     */
    private void joinCluster(NodeSettings s) {
        // not a member yet, the node's view still holds the format it read from its disk
        boolean formatted = clusterState.current().config().formatted();
        Cluster cluster = Cluster.get(system);
        system.systemActorOf(PeerAddresses.recorder(store), "peer-addresses",
                DispatcherSelector.fromConfig("sheepdog.io-dispatcher"));
        Address self = cluster.selfMember().address();
        List<String> remembered = formatted ? store.readPeers() : List.of();
        if (s.join().isEmpty() && remembered.isEmpty()) {
            cluster.manager().tell(Join.create(self));
            return;
        }
        List<Address> seeds = new ArrayList<>();
        if (s.join().isEmpty()) {
            seeds.add(self);
        }
        for (String hp : Stream.concat(s.join().stream(), remembered.stream()).toList()) {
            Address a = seedAddress(hp);
            if (!a.equals(self) && !seeds.contains(a)) {
                seeds.add(a);
            }
        }
        if (!remembered.isEmpty()) {
            log.info("node {}: looking for its cluster at {}", clusterState.current().self().nid(), remembered);
        }
        cluster.manager().tell(new JoinSeedNodes(seeds));
    }

    private Address seedAddress(String hp) {
        int colon = hp.lastIndexOf(':');
        if (colon < 0) {
            throw new StartupException("--join wants HOST:CLUSTER_PORT, not '" + hp + "'");
        }
        return new Address("pekko", system.name(), hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1)));
    }

    public ActorSystem<Void> system() {
        return system;
    }

    public ClusterState clusterState() {
        return clusterState;
    }

    public RequestDispatcher dispatcher() {
        return dispatcher;
    }

    public VdiService vdis() {
        return vdis;
    }

    public ObjectIo objects() {
        return objects;
    }

    public NodeStore store() {
        return store;
    }

    public ActorRef<RecoveryManager.Command> recovery() {
        return recovery;
    }

    public SheepdogServer server() {
        return server;
    }

    public NodeSettings settings() {
        return settings;
    }

    /** Completes with the process exit status once the node has stopped. */
    public CompletableFuture<Integer> terminated() {
        return terminated;
    }

    /** Stops the node after {@code delay} (time for the last answers to leave) with the given exit status. */
    public void stop(int status, Duration delay) {
        exitStatus = status;
        CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            server.unbind();
            if (nbd != null) {
                nbd.unbind();
            }
            management.stop();
            system.terminate();
        });
    }

    @Override
    public void kill() {
        log.warn("node {}: killed by request", clusterState.current().self().nid());
        stop(0, Duration.ofMillis(200));
    }

    @Override
    public Response logLevel() {
        byte[] b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, LogLevels.current()).array();
        return Response.data(ByteString.fromArrayUnsafe(b));
    }

    @Override
    public Response setLogLevel(Request req) {
        if (req.payload().size() < 4) {
            return Response.of(ResultCode.INVALID_PARMS);
        }
        int level = req.payload().asByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (level < 0 || level >= LogLevels.NAMES.size()) {
            return Response.of(ResultCode.INVALID_PARMS);
        }
        LogLevels.apply(level);
        log.info("node {}: log level set to {}", clusterState.current().self().nid(), LogLevels.NAMES.get(level));
        return Response.of(ResultCode.SUCCESS);
    }

    /** A reason the node cannot start, said in one line. */
    public static final class StartupException extends RuntimeException {
        public StartupException(String message) {
            super(message);
        }
    }
}
