package org.sheepdogj.placement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.sheepdogj.protocol.Hashes;
import org.sheepdogj.protocol.SdNode;

/**
 * Sheepdog's consistent-hashing ring ({@code include/sheep.h}): each node contributes {@code nr_vnodes} points at
 * successive {@code sd_hash_next} values of the hash of its address; an object lives on the first point at or after
 * the hash of its id, and its further copies on the next points whose node is in a zone not yet chosen. Every node
 * computes the same ring from the same member list, so no one has to be asked where an object is.
 */
public final class Ring {
    private final List<SdNode> nodes;
    private final long[] hashes;
    private final int[] owner;
    private final int zones;

    public Ring(List<SdNode> members) {
        this.nodes = List.copyOf(members);
        int total = 0;
        for (SdNode n : nodes) {
            total += n.nrVnodes();
        }
        long[] h = new long[total];
        int[] o = new int[total];
        int k = 0;
        Set<Integer> zoneSet = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            SdNode n = nodes.get(i);
            if (n.nrVnodes() > 0) {
                zoneSet.add(n.zone());
            }
            byte[] id = n.nid().hashedBytes();
            long hv = Hashes.sdHash(id, 0, id.length);
            for (int v = 0; v < n.nrVnodes(); v++) {
                hv = Hashes.sdHashNext(hv);
                h[k] = hv;
                o[k] = i;
                k++;
            }
        }
        Integer[] order = new Integer[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compareUnsigned(h[a], h[b]));
        this.hashes = new long[total];
        this.owner = new int[total];
        for (int i = 0; i < total; i++) {
            hashes[i] = h[order[i]];
            owner[i] = o[order[i]];
        }
        this.zones = zoneSet.size();
    }

    public List<SdNode> nodes() {
        return nodes;
    }

    /** Distinct zones among nodes that store data: the most copies an object can have. */
    public int zoneCount() {
        return zones;
    }

    public int vnodeCount() {
        return hashes.length;
    }

    /** The copies to keep of an object: what was asked, but never more than there are zones. */
    public int effectiveCopies(int requested) {
        return Math.min(requested, zones);
    }

    /** The nodes holding {@code oid}, first replica first; {@code copies} is capped at the number of zones. */
    public List<SdNode> replicas(long oid, int copies) {
        int want = effectiveCopies(copies);
        List<SdNode> out = new ArrayList<>(want);
        if (want == 0) {
            return out;
        }
        int first = firstAtOrAfter(Hashes.sdHashOid(oid));
        int[] chosenZones = new int[want];
        out.add(nodes.get(owner[first]));
        chosenZones[0] = nodes.get(owner[first]).zone();
        int idx = first;
        while (out.size() < want) {
            idx = (idx + 1) % hashes.length;
            if (idx == first) {
                break;
            }
            SdNode candidate = nodes.get(owner[idx]);
            boolean sameZone = false;
            for (int j = 0; j < out.size(); j++) {
                if (chosenZones[j] == candidate.zone()) {
                    sameZone = true;
                    break;
                }
            }
            if (!sameZone) {
                chosenZones[out.size()] = candidate.zone();
                out.add(candidate);
            }
        }
        return out;
    }

    private int firstAtOrAfter(long hash) {
        int lo = 0;
        int hi = hashes.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(hashes[mid], hash) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == hashes.length ? 0 : lo;
    }
}
