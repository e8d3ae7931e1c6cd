package org.sheepdogj.vdi;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.sheepdogj.cluster.CborSerializable;
import org.sheepdogj.protocol.ResultCode;

/**
 * The durable state of one VDI name: every VDI id it has had, oldest first (the working VDI, its snapshots, and
 * those deleted), with what name lookups need to know of each, and the answers of the latest requests that changed it.
 */
public record Family(String name, List<Member> members, List<Answer> answers) implements CborSerializable {
    /** More than the requests on one name that a gateway may be asking again at once; the oldest goes first. */
    static final int ANSWERS_KEPT = 16;

    public Family {
        members = members == null ? List.of() : List.copyOf(members);
        answers = answers == null ? List.of() : List.copyOf(answers);
    }

    /**
     * The answer a request that changed the family was given, by the request's attempt: a gateway that lost the
     * answer with a dying node asks again with the same attempt and gets this answer, and nothing is done twice.
     */
    public record Answer(long attempt, VdiReply reply) implements CborSerializable {
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

    public Optional<VdiReply> answerTo(long attempt) {
        return answers.stream().filter(a -> a.attempt() == attempt).map(Answer::reply).findFirst();
    }

    public Family answered(long attempt, VdiReply reply) {
        List<Answer> kept = new ArrayList<>(answers.subList(Math.max(0, answers.size() - ANSWERS_KEPT + 1),
                answers.size()));
        kept.add(new Answer(attempt, reply));
        return new Family(name, members, kept);
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
        return new Family(name, out, answers);
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
