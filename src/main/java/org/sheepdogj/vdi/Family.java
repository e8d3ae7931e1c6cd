package org.sheepdogj.vdi;

import java.util.ArrayList;
import java.util.List;

import org.sheepdogj.cluster.CborSerializable;
import org.sheepdogj.protocol.ResultCode;

/**
 * The durable state of one VDI name: every VDI id it has had, oldest first (the working VDI, its snapshots, and
 * those deleted), with what name lookups need to know of each.
 */
public record Family(String name, List<Member> members) implements CborSerializable {

    public Family {
        members = members == null ? List.of() : List.copyOf(members);
    }

    /** One VDI id of the name. */
    public record Member(int vid, int snapId, String tag, boolean snapshot, boolean deleted, long createTime)
            implements CborSerializable {
        Member withTag(String t, boolean isSnapshot) {
            return new Member(vid, snapId, t, isSnapshot, deleted, createTime);
        }

        Member asDeleted() {
            return new Member(vid, snapId, tag, snapshot, true, createTime);
        }
    }

    /**
     * The outcome of a lookup ({@code fill_vdi_info_range}): the result, the id found, the snapshot id a new VDI of
     * the name takes, the id a new working VDI descends from when only snapshots are left, and its creation time.
     */
    public record Lookup(int result, int vid, int nextSnapId, Member member) {
    }

    /**
     * Looks the name up as sheep does, newest id first. Without a tag or snapshot id, the newest id decides: a working
     * VDI is found; a snapshot means the working VDI was deleted (NO_VDI, but its id is what a new one descends
     * from). With a tag or snapshot id, only snapshots match; NO_TAG if the name exists but not that snapshot.
     */
    public Lookup lookup(String tag, int snapId) {
        boolean hasTag = !tag.isEmpty() || snapId != 0;
        boolean nameSeen = false;
        int infoVid = 0;
        for (int i = members.size() - 1; i >= 0; i--) {
            Member m = members.get(i);
            if (m.deleted()) {
                continue;
            }
            if (hasTag) {
                if (!m.snapshot()) {
                    nameSeen = true;
                    infoVid = m.vid();
                    continue;
                }
                boolean tagMatch = !m.tag().isEmpty() && m.tag().equals(tag);
                if (!tagMatch && snapId != m.snapId()) {
                    continue;
                }
                return new Lookup(ResultCode.SUCCESS, m.vid(), 0, m);
            }
            if (m.snapshot()) {
                return new Lookup(ResultCode.NO_VDI, m.vid(), m.snapId() + 1, null);
            }
            return new Lookup(ResultCode.SUCCESS, m.vid(), m.snapId() + 1, m);
        }
        return new Lookup(nameSeen ? ResultCode.NO_TAG : ResultCode.NO_VDI, infoVid, 0, null);
    }

    public Family with(Member m) {
        List<Member> out = new ArrayList<>(members.size() + 1);
        boolean replaced = false;
        for (Member x : members) {
            if (x.vid() == m.vid()) {
                out.add(m);
                replaced = true;
            } else {
                out.add(x);
            }
        }
        if (!replaced) {
            out.add(m);
        }
        return new Family(name, out);
    }

    public Member member(int vid) {
        for (Member m : members) {
            if (m.vid() == vid) {
                return m;
            }
        }
        return null;
    }
}
