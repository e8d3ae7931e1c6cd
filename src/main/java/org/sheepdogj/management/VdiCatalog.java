package org.sheepdogj.management;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.sheepdogj.peer.ObjectIo;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.ResultCode;
import org.sheepdogj.vdi.VdiState;
import org.sheepdogj.vdi.VdiTable;

/**
 * Every VDI with its snapshots and clones: the ids and their parents come from the node's {@link VdiTable}, sizes,
 * tags and times from each inode's header, read from the cluster as dog reads them.
 */
final class VdiCatalog {
    private final VdiTable table;
    private final ObjectIo objects;

    VdiCatalog(VdiTable table, ObjectIo objects) {
        this.table = table;
        this.objects = objects;
    }

    CompletionStage<Api.Vdis> list() {
        List<VdiState> live = table.all().stream().filter(s -> !s.deleted()).toList();
        Map<Integer, CompletableFuture<Inode.Header>> headers = new HashMap<>();
        for (VdiState s : live) {
            headers.put(s.vid(), header(s.vid()).toCompletableFuture());
        }
        return CompletableFuture.allOf(headers.values().toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> families(live, headers));
    }

    private CompletionStage<Inode.Header> header(int vid) {
        return objects.read(Oid.vidToVdiOid(vid), 0, Inode.HEADER_SIZE, 0).thenApply(r -> {
            if (!r.ok()) {
                throw new IllegalStateException("inode of VDI " + Integer.toHexString(vid) + ": "
                        + ResultCode.name(r.result()));
            }
            return Inode.Header.decode(r.payload().toArray());
        });
    }

    private Api.Vdis families(List<VdiState> live, Map<Integer, CompletableFuture<Inode.Header>> headers) {
        Map<String, List<VdiState>> byName = new TreeMap<>();
        for (VdiState s : live) {
            byName.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(s);
        }
        Map<String, List<Api.Clone>> clones = new HashMap<>();
        Map<String, Api.Source> sources = new HashMap<>();
        for (VdiState s : live) {
            VdiState parent = s.parentVid() == 0 ? null : table.get(s.parentVid()).orElse(null);
            if (parent != null && !parent.name().equals(s.name())) {
                clones.computeIfAbsent(parent.name(), k -> new ArrayList<>())
                        .add(new Api.Clone(s.name(), s.vid(), parent.vid()));
                Inode.Header ph = headers.containsKey(parent.vid()) ? headers.get(parent.vid()).join() : null;
                sources.put(s.name(), new Api.Source(parent.name(), parent.vid(), ph == null ? 0 : ph.snapId(),
                        ph == null ? "" : ph.tag()));
            }
        }
        List<Api.VdiFamily> out = new ArrayList<>();
        byName.forEach((name, states) -> {
            Api.Vdi working = null;
            List<Api.Vdi> snapshots = new ArrayList<>();
            for (VdiState s : states) {
                Api.Vdi v = vdi(s, headers.get(s.vid()).join());
                if (s.snapshot()) {
                    snapshots.add(v);
                } else {
                    working = v;
                }
            }
            snapshots.sort(Comparator.comparingInt(Api.Vdi::snapId));
            out.add(new Api.VdiFamily(name, working, snapshots, sources.get(name),
                    clones.getOrDefault(name, List.of())));
        });
        return new Api.Vdis(out);
    }

    private static Api.Vdi vdi(VdiState s, Inode.Header h) {
        return new Api.Vdi(s.vid(), h.snapId(), h.tag(), h.vdiSize(), s.copies(), h.blockSizeShift(),
                Api.seconds(h.createTime()), s.snapshot() ? Api.seconds(h.snapCtime()) : null, s.parentVid(),
                s.locked());
    }
}
