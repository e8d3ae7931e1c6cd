package org.sheepdogj.gateway;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import org.sheepdogj.cache.ObjectCache;
import org.sheepdogj.cluster.ClusterService;
import org.sheepdogj.cluster.VnodeRequests;
import org.sheepdogj.cluster.ClusterView;
import org.sheepdogj.peer.ObjectIo;
import org.sheepdogj.peer.PeerService;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.ProtocolVersion;
import org.sheepdogj.protocol.Request;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.recovery.RecoveryRequests;
import org.sheepdogj.store.ObjectStore;
import org.sheepdogj.vdi.VdiService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every request a node receives goes ({@code queue_request}): the protocol version is checked, the cluster's
 * status may hold the request back (WAIT_FOR_FORMAT, WAIT_FOR_JOIN, SHUTDOWN), then the opcode's handler answers.
 * An unknown opcode is INVALID_PARMS, as in sheep. A handler that fails unexpectedly answers EIO; nothing a client
 * sends escapes as an exception.
 */
public final class RequestDispatcher {
    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

    /** How an opcode is served and whether it may run before the cluster is running ({@code force}). */
    private record Route(boolean force, Function<Request, CompletionStage<Response>> handler) {
    }

    private final Map<Integer, Route> routes = new HashMap<>();
    private final ClusterService cluster;
    private final RequestObserver observer;
    private final RequestStats stats = new RequestStats();

    public RequestDispatcher(ClusterService cluster, VdiService vdis, PeerService peers, ObjectIo objects,
                             ObjectStore store, ObjectCache cache, RecoveryRequests recovery, int maxBlockSizeShift,
                             NodeControl control, RequestObserver observer) {
        this.cluster = cluster;
        this.observer = observer;
        ObjectRequests obj = new ObjectRequests(objects, vdis, cache);
        gated(Opcode.CREATE_AND_WRITE_OBJ, obj::create);
        gated(Opcode.READ_OBJ, obj::read);
        gated(Opcode.WRITE_OBJ, obj::write);
        gated(Opcode.REMOVE_OBJ, obj::remove);
        gated(Opcode.DECREF_OBJ, obj::decref);
        gated(Opcode.DISCARD_OBJ, vdis::discard);
        gated(Opcode.NEW_VDI, vdis::newVdi);
        gated(Opcode.LOCK_VDI, r -> vdis.lookup(r, true));
        gated(Opcode.GET_VDI_INFO, r -> vdis.lookup(r, false));
        gated(Opcode.RELEASE_VDI, vdis::release);
        gated(Opcode.DEL_VDI, vdis::delete);
        gated(Opcode.GET_VDI_ATTR, vdis::attr);
        gated(Opcode.FLUSH_VDI, obj::flush);
        forced(Opcode.READ_VDIS, r -> done(vdis.bitmap(r, false)));
        forced(Opcode.READ_DEL_VDIS, r -> done(vdis.bitmap(r, true)));
        forced(Opcode.GET_VDI_COPIES, r -> done(vdis.vdiStates(r)));
        forced(Opcode.GET_CLUSTER_DEFAULT, r -> done(cluster.clusterDefault()));
        forced(Opcode.GET_NODE_LIST, r -> done(cluster.nodeList(r)));
        forced(Opcode.CLUSTER_INFO, r -> done(cluster.clusterInfo(r)));
        forced(Opcode.STAT_CLUSTER, cluster::statCluster);
        forced(Opcode.GET_STORE_LIST, r -> done(cluster.storeList(r)));
        forced(Opcode.MAKE_FS, r -> cluster.format(r, maxBlockSizeShift));
        forced(Opcode.SHUTDOWN, r -> cluster.shutdown());
        forced(Opcode.FORCE_RECOVER, r -> cluster.forceRecover());
        gated(Opcode.STAT_SHEEP, r -> cluster.statSheep(store));
        gated(Opcode.ENABLE_RECOVER, r -> cluster.setRecovery(false));
        gated(Opcode.DISABLE_RECOVER, r -> cluster.setRecovery(true));
        gated(Opcode.ALTER_CLUSTER_COPY, cluster::alterCopies);
        forced(Opcode.KILL_NODE, r -> {
            control.kill();
            return done(Response.of(ResultCode.SUCCESS));
        });
        forced(Opcode.GET_LOGLEVEL, r -> done(control.logLevel()));
        forced(Opcode.SET_LOGLEVEL, r -> done(control.setLogLevel(r)));
        gated(Opcode.STAT_RECOVERY, r -> recovery.stat());
        forced(Opcode.GET_RECOVERY, r -> recovery.get());
        forced(Opcode.SET_RECOVERY, recovery::set);
        forced(Opcode.FLUSH_DEL_CACHE, r -> done(Response.of(ResultCode.SUCCESS)));
        gated(Opcode.DELETE_CACHE, obj::purgeCache);
        gated(Opcode.CACHE_PURGE, obj::purgeCache);
        gated(Opcode.GET_CACHE_INFO, r -> obj.cacheInfo());
        VnodeRequests vnodes = new VnodeRequests(cluster.state());
        gated(Opcode.GET_VNODES, r -> done(vnodes.vnodes(r)));
        gated(Opcode.SET_VNODES, r -> done(vnodes.setVnodes(r)));
        gated(Opcode.REWEIGHT, r -> done(vnodes.reweight(r)));
        gated(Opcode.MD_INFO, r -> cluster.mdInfo(store, r));
        gated(Opcode.MD_PLUG, r -> done(Response.of(ResultCode.NO_SUPPORT)));
        gated(Opcode.MD_UNPLUG, r -> done(Response.of(ResultCode.NO_SUPPORT)));
        gated(Opcode.STAT, r -> done(stats.stat(r)));
        gated(Opcode.ALTER_VDI_COPY, vdis::alterCopies);
        for (int op : new int[] {Opcode.CREATE_AND_WRITE_PEER, Opcode.READ_PEER, Opcode.WRITE_PEER,
                Opcode.REMOVE_PEER, Opcode.DECREF_PEER, Opcode.GET_OBJ_LIST, Opcode.GET_EPOCH, Opcode.GET_HASH,
                Opcode.EXIST, Opcode.OIDS_EXIST, Opcode.FLUSH_PEER}) {
            forced(op, peers::handle);
        }
    }

    /** Adds or replaces the handler of an opcode that waits for a running cluster. */
    public void gated(int opcode, Function<Request, CompletionStage<Response>> handler) {
        routes.put(opcode, new Route(false, handler));
    }

    /** Adds or replaces the handler of an opcode that is served in any status. */
    public void forced(int opcode, Function<Request, CompletionStage<Response>> handler) {
        routes.put(opcode, new Route(true, handler));
    }

    public CompletionStage<Response> handle(Request req) {
        long start = System.nanoTime();
        return route(req).thenApply(resp -> {
            observer.answered(req, resp, System.nanoTime() - start);
            return resp;
        });
    }

    private CompletionStage<Response> route(Request req) {
        int op = req.opcode();
        if (!ProtocolVersion.accepts(op, req.header().protoVer())) {
            return done(Response.of(ResultCode.VER_MISMATCH));
        }
        Route route = routes.get(op);
        if (route == null) {
            log.info("unknown opcode 0x{} (protocol version {})", Integer.toHexString(op), req.header().protoVer());
            return done(Response.of(ResultCode.INVALID_PARMS));
        }
        ClusterView view = cluster.state().current();
        int gate = view.gate(route.force());
        if (gate != ResultCode.SUCCESS) {
            return done(Response.of(gate));
        }
        CompletionStage<Response> answer;
        boolean counted = stats.begin(req.header());
        try {
            answer = route.handler().apply(req);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        if (counted) {
            answer = answer.whenComplete((r, e) -> stats.end(req.header()));
        }
        return answer.exceptionally(e -> {
            log.error("{} of object {} failed", Opcode.name(op), String.format("%016x", req.header().oid()), e);
            return Response.of(ResultCode.EIO);
        });
    }

    static CompletionStage<Response> done(Response r) {
        return CompletableFuture.completedFuture(r);
    }
}
