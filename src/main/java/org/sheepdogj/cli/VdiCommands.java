package org.sheepdogj.cli;

import java.util.List;

import org.sheepdogj.protocol.ClusterInfo;
import org.sheepdogj.protocol.Inode;
import org.sheepdogj.protocol.Limits;
import org.sheepdogj.protocol.Oid;
import org.sheepdogj.protocol.Opcode;
import org.sheepdogj.protocol.RequestHeader;
import org.sheepdogj.protocol.Response;
import org.sheepdogj.protocol.ResultCode;

/**
 * {@code dog vdi ...} ({@code dog/vdi.c}): the command table and the subcommands that make, copy,
 * resize and remove VDIs. Listing, data, attributes, objects, checks and locks live in classes of their own.
 */
final class VdiCommands {
    /** {@code SD_MAX_VDI_SIZE}: 4 MB objects times 2^32 of them. */
    static final long MAX_VDI_SIZE = (1L << 22) << 32;
    /** {@code OLD_MAX_DATA_OBJS}: the entries of a flat index. */
    static final long OLD_MAX_DATA_OBJS = 1L << 20;

    private static final String ALTER_COPY_CAUTION = "    __\n"
            + "   ()'`;\n"
            + "   /\\|`  Caution! Changing VDI's redundancy level will affect\n"
            + "  /  |   the VDI itself only and trigger recovery.\n"
            + "(/_)_|_  Are you sure you want to continue? [yes/no]: ";

    private final Session s;
    private final VdiOptions o = new VdiOptions();
    private final Vdis vdis;

    VdiCommands(Session s) {
        this.s = s;
        this.vdis = new Vdis(s);
    }

    Command command() {
        VdiListing listing = new VdiListing(s, o, vdis);
        VdiData data = new VdiData(s, o, vdis);
        VdiBackup backup = new VdiBackup(s, o, vdis);
        VdiAttributes attrs = new VdiAttributes(s, o, vdis);
        VdiObjects objects = new VdiObjects(s, o, vdis);
        VdiCheck check = new VdiCheck(s, vdis);
        VdiLocks locks = new VdiLocks(s, o, vdis);
        VdiCache cache = new VdiCache(s, o, vdis);
        int nl = Subcommand.NEED_NODELIST;
        int arg = Subcommand.NEED_ARG;
        List<Subcommand> objectSubs = List.of(
                new Subcommand("location", null, null, "show object location information", null, nl | arg,
                        objects::location, null),
                new Subcommand("map", null, null, "show object map information", null, arg, objects::map, null),
                new Subcommand("dump-inode", null, null, "dump inode information", null, arg, objects::dumpInode,
                        null));
        List<Subcommand> lockSubs = List.of(
                new Subcommand("list", null, null, "list locked VDIs", null, 0, locks::list, null),
                new Subcommand("unlock", "<vdiname>", null, "unlock locked VDI forcibly", null, arg, locks::unlock,
                        null));
        List<Subcommand> cacheSubs = List.of(
                new Subcommand("flush", null, null, "flush the cache of the vdi specified.", null, arg,
                        cache::flush, null),
                new Subcommand("delete", null, null, "delete the cache of the vdi specified in all nodes.", null,
                        arg, cache::delete, null),
                new Subcommand("info", null, null, "show usage of the cache", null, 0, cache::info, null),
                new Subcommand("purge", null, null, "purge the cache of all vdi (no flush)", null, 0, cache::purge,
                        null));
        List<Subcommand> table = List.of(
                sub("check", "<vdiname>", "seaphT", "check and repair image's consistency", nl | arg,
                        () -> check.vdi(o)),
                sub("create", "<vdiname> <size>", "PycaphrvzT", "create an image", nl | arg, this::create),
                sub("snapshot", "<vdiname>", "saphrvTR", "create a snapshot", arg, this::snapshot),
                sub("clone", "<src vdi> <dst vdi>", "sPnaphrvT", "clone an image", arg, this::cloneVdi),
                sub("delete", "<vdiname>", "saphT", "delete an image", arg,
                        () -> vdis.delete(s.arg(s.optind), o.snapshotId, o.snapshotTag)),
                sub("rollback", "<vdiname>", "saphfrvT", "rollback to a snapshot", arg, this::rollback),
                sub("list", "[vdiname]", "aprhoT", "list images", 0, listing::list),
                sub("tree", null, "aphT", "show images in tree view format", 0, listing::tree),
                sub("graph", null, "aphT", "show images in Graphviz dot format", 0, listing::graph),
                new Subcommand("object", "<vdiname>", "isaphT", "show object information in the image", objectSubs,
                        arg, () -> s.usage.dispatch(objectSubs), VdiOptions.OPTIONS),
                sub("track", "<vdiname>", "isaphoT", "show the object epoch trace in the image", nl | arg,
                        objects::track),
                sub("setattr", "<vdiname> <key> [value]", "dxaphT", "set a VDI attribute", arg, attrs::set),
                sub("getattr", "<vdiname> <key>", "aphT", "get a VDI attribute", arg, attrs::get),
                sub("resize", "<vdiname> <new size>", "aphT", "resize an image", arg, this::resize),
                sub("read", "<vdiname> [<offset> [<len>]]", "saphT", "read data from an image", arg, data::read),
                sub("write", "<vdiname> [<offset> [<len>]]", "apwhT", "write data to an image", arg, data::write),
                sub("backup", "<vdiname>", "sFaphT",
                        "create an incremental backup between two snapshots and outputs to STDOUT", nl | arg,
                        backup::backup),
                sub("restore", "<vdiname>", "saphT", "restore snapshot images from a backup provided in STDIN",
                        nl | arg, backup::restore),
                sub("alter-copy", "<vdiname>", "caphTf", "set the vdi's redundancy level", arg | nl,
                        this::alterCopy),
                new Subcommand("lock", null, "saphT", "See 'dog vdi lock' for more information", lockSubs, arg,
                        () -> s.usage.dispatch(lockSubs), VdiOptions.OPTIONS),
                new Subcommand("cache", "<vdiname>", "saphT", "Run 'dog vdi cache' for more information", cacheSubs,
                        arg | Subcommand.UNLISTED, () -> s.usage.dispatch(cacheSubs), VdiOptions.OPTIONS));
        return new Command("vdi", table, (letter, value) -> o.parse(letter, value, s));
    }

    private static Subcommand sub(String name, String arg, String opts, String desc, int flags,
                                  Subcommand.Action action) {
        return new Subcommand(name, arg, opts, desc, null, flags, action, VdiOptions.OPTIONS);
    }

    private int createVdi(String name, long size) {
        long objectSize;
        if (o.blockSizeShift != 0) {
            objectSize = 1L << o.blockSizeShift;
        } else if (o.storePolicy == 1) {
            o.blockSizeShift = Limits.DEFAULT_BLOCK_SIZE_SHIFT;
            objectSize = 1L << o.blockSizeShift;
        } else {
            Response r = s.exec(RequestHeader.plain(Opcode.CLUSTER_INFO, 0, ClusterInfo.SIZE), null);
            if (r == null) {
                s.err("Fail to execute request: SD_OP_CLUSTER_INFO");
                return ExitCode.FAILURE;
            }
            boolean described = r.payload().size() >= ClusterInfo.HEADER_SIZE;
            ClusterInfo info = described ? ClusterInfo.decode(r.payload().asByteBuffer()) : null;
            if (info != null && info.ctime() == 0) {
                s.err("Failed to create VDI %s: %s", name, ResultCode.describe(ResultCode.WAIT_FOR_FORMAT));
                return ExitCode.FAILURE;
            }
            if (!r.ok() || info == null) {
                s.err("%s", ResultCode.describe(r.result()));
                return ExitCode.FAILURE;
            }
            objectSize = 1L << info.blockSizeShift();
        }
        long oldMaxTotal = objectSize * OLD_MAX_DATA_OBJS;
        if (Long.compareUnsigned(size, oldMaxTotal) > 0 && o.storePolicy == 0) {
            s.err("VDI size is larger than %s bytes, please use '-y' to create a hyper volume with size up to %s"
                    + " bytes or use '-z' to create larger object size volume", Text.size(oldMaxTotal, s.raw),
                    Text.size(MAX_VDI_SIZE, s.raw));
            return ExitCode.USAGE;
        }
        if (Long.compareUnsigned(size, MAX_VDI_SIZE) > 0) {
            s.err("VDI size is too large");
            return ExitCode.USAGE;
        }
        Vdis.Created created = vdis.create(name, size, 0, false, o.copies, o.copyPolicy, o.storePolicy,
                o.blockSizeShift);
        int ret = created.ok() && o.prealloc ? preallocate(created.vid(), size) : created.status();
        return reportNewVid(ret, "VDI ID of newly created VDI", created.vid());
    }

    private int create() {
        String name = s.nextArg();
        Long size = sizeOperand("Please specify the VDI size");
        return size == null ? ExitCode.USAGE : createVdi(name, size);
    }

    /** The size operand; null (reported) when it is missing or not a size. */
    private Long sizeOperand(String whenMissing) {
        if (s.arg(s.optind) == null) {
            s.err(whenMissing);
            return null;
        }
        return CNumbers.size(s, s.arg(s.optind));
    }

    /** With {@code -v}, the id of the VDI a successful command made; returns the command's status. */
    private int reportNewVid(int status, String what, int vid) {
        if (status == ExitCode.SUCCESS && s.verbose) {
            s.out().print(s.raw ? String.format("%x\n", vid) : String.format("%s: %x\n", what, vid));
        }
        return status;
    }

    /** {@code vdi create -P}: every object made now, empty, and recorded in the index. */
    private int preallocate(int vid, long size) {
        Vdis.Read r = vdis.read(Oid.vidToVdiOid(vid), Inode.SIZE, 0, true);
        if (!r.ok()) {
            s.err("Failed to read a newly created VDI object");
            return ExitCode.FAILURE;
        }
        InodeImage inode = new InodeImage(r.data());
        if (vdis.indexReadOnly(inode)) {
            return ExitCode.FAILURE;
        }
        Inode.Header h = inode.header();
        long objectSize = h.objectSize();
        long maxIdx = Long.divideUnsigned(size + objectSize - 1, objectSize);
        long idx;
        for (idx = 0; idx < maxIdx; idx++) {
            Progress.show(s, idx * objectSize, h.vdiSize(), false);
            int ret = vdis.write(Oid.vidToDataOid(vid, idx), 0, new byte[0], 0, 0, h.nrCopies(), h.copyPolicy(),
                    true, true);
            if (ret != ResultCode.SUCCESS) {
                return ExitCode.FAILURE;
            }
            inode.setVid(idx, vid);
            if (vdis.writeIndexEntry(h, vid, idx, vid, 0, true) != ResultCode.SUCCESS) {
                return ExitCode.FAILURE;
            }
        }
        Progress.show(s, idx * objectSize, h.vdiSize(), false);
        return ExitCode.SUCCESS;
    }

    private int snapshot() {
        String name = s.nextArg();
        if (o.snapshotId != 0) {
            s.err("Please specify a non-integer value for a snapshot tag name");
            return ExitCode.USAGE;
        }
        Vdis.Lookup l = vdis.find(name, o.snapshotId, o.snapshotTag);
        if (l.result() != ResultCode.NO_TAG && !l.ok()) {
            s.err("Failed to create snapshot for %s: %s", name, ResultCode.describe(l.result()));
            return ExitCode.FAILURE;
        }
        int vid;
        InodeImage inode;
        if (l.ok()) {
            Vdis.Read r = vdis.read(Oid.vidToVdiOid(l.vid()), Inode.HEADER_SIZE, 0, true);
            if (!r.ok()) {
                return r.result();
            }
            vid = l.vid();
            inode = new InodeImage(r.data());
            if (inode.header().isSnapshot()) {
                s.err("Failed to create snapshot for %s, maybe snapshot id (%d) or tag (%s) is existed", name,
                        o.snapshotId, o.snapshotTag);
                return ExitCode.FAILURE;
            }
        } else {
            Vdis.Opened opened = vdis.open(name, 0, "", Inode.HEADER_SIZE);
            if (opened == null) {
                return ExitCode.FAILURE;
            }
            vid = opened.vid();
            inode = opened.inode();
        }
        Inode.Header h = inode.header();
        if (h.storePolicy() != 0) {
            s.err("creating a snapshot of hypervolume is not supported");
            return ExitCode.FAILURE;
        }
        if (o.reduceIdenticalSnapshots) {
            Vdis.Read full = vdis.read(Oid.vidToVdiOid(vid), Inode.SIZE, 0, true);
            if (!full.ok()) {
                return full.result();
            }
            if (!ownsObjects(vid, new InodeImage(full.data()))) {
                if (s.verbose) {
                    s.err("VDI %s doesn't have its own objects, skipping creation of snapshot", name);
                }
                return ExitCode.SUCCESS;
            }
        }
        int ret = vdis.write(Oid.vidToVdiOid(vid), 0, Vdis.field(o.snapshotTag, 256), Inode.TAG_OFFSET, 0,
                h.nrCopies(), h.copyPolicy(), false, false);
        if (ret != ResultCode.SUCCESS) {
            return ret;
        }
        Vdis.Created created = vdis.createLike(h, name, h.vdiSize(), vid, true);
        if (created.ok() && s.verbose) {
            s.out().print(s.raw ? String.format("%x %x\n", created.vid(), vid)
                    : String.format("new VID of original VDI: %x, VDI ID of newly created snapshot: %x\n",
                    created.vid(), vid));
        }
        return created.status();
    }

    /** {@code has_own_objects}: whether any index entry, over the whole index, names the VDI itself. */
    private static boolean ownsObjects(int vid, InodeImage inode) {
        for (long i = 0; i < Inode.DATA_INDEX_COUNT; i++) {
            if (inode.vid(i) == vid) {
                return true;
            }
        }
        return false;
    }

    private int cloneVdi() {
        String src = s.nextArg();
        String dst = s.arg(s.optind);
        if (dst == null) {
            s.err("Destination VDI name must be specified");
            return ExitCode.USAGE;
        }
        if (!o.snapshotGiven()) {
            s.err("Only snapshot VDIs can be cloned");
            s.err("Please specify the '-s' option");
            return ExitCode.USAGE;
        }
        Vdis.Opened base = vdis.open(src, o.snapshotId, o.snapshotTag, Inode.SIZE);
        if (base == null) {
            return ExitCode.FAILURE;
        }
        Inode.Header h = base.inode().header();
        Vdis.Created created = vdis.createLike(h, dst, h.vdiSize(), o.noShare ? 0 : base.vid(), false);
        int ret = created.ok() && (o.prealloc || o.noShare) ? copyObjects(base.inode(), dst, created.vid())
                : created.status();
        return reportNewVid(ret, "VDI ID of newly created clone", created.vid());
    }

    /** {@code vdi clone -P/-n}: the clone gets its own copy of every object (and, with -P, of the holes). */
    private int copyObjects(InodeImage base, String dst, int newVid) {
        Vdis.Opened created = vdis.open(dst, 0, "", Inode.HEADER_SIZE);
        if (created == null || vdis.indexReadOnly(created.inode())) {
            return ExitCode.FAILURE;
        }
        Inode.Header h = base.header();
        Inode.Header target = created.inode().header();
        long objectSize = h.objectSize();
        long max = h.dataObjectCount();
        byte[] buf = new byte[(int) objectSize];
        long idx;
        for (idx = 0; idx < max; idx++) {
            Progress.show(s, idx * objectSize, h.vdiSize(), false);
            int holder = vdis.vidAt(base, idx);
            int size;
            if (holder != 0) {
                Vdis.Read r = vdis.read(Oid.vidToDataOid(holder, idx), (int) objectSize, 0, true);
                if (!r.ok()) {
                    return ExitCode.FAILURE;
                }
                buf = r.data();
                size = (int) objectSize;
            } else {
                if (o.noShare && !o.prealloc) {
                    continue;
                }
                size = 0;
            }
            byte[] payload = size == buf.length ? buf : java.util.Arrays.copyOf(buf, size);
            if (vdis.write(Oid.vidToDataOid(newVid, idx), 0, payload, 0, 0, h.nrCopies(), h.copyPolicy(), true,
                    true) != ResultCode.SUCCESS) {
                return ExitCode.FAILURE;
            }
            if (vdis.writeIndexEntry(target, newVid, idx, newVid, 0, true) != ResultCode.SUCCESS) {
                return ExitCode.FAILURE;
            }
        }
        Progress.show(s, idx * objectSize, h.vdiSize(), false);
        return ExitCode.SUCCESS;
    }

    private int rollback() {
        String name = s.nextArg();
        if (!o.snapshotGiven()) {
            s.err("Please specify the '-s' option");
            return ExitCode.USAGE;
        }
        Vdis.Opened snap = vdis.open(name, o.snapshotId, o.snapshotTag, Inode.HEADER_SIZE);
        if (snap == null) {
            return ExitCode.FAILURE;
        }
        if (!o.force) {
            s.confirm("This operation discards any changes made since the previous\n"
                    + "snapshot was taken.  Continue? [yes/no]: ");
        }
        vdis.delete(name, 0, null);
        Inode.Header h = snap.inode().header();
        Vdis.Created created = vdis.createLike(h, name, h.vdiSize(), snap.vid(), false);
        return reportNewVid(created.status(), "New VDI ID of rollbacked VDI", created.vid());
    }

    private int resize() {
        String name = s.nextArg();
        Long newSize = sizeOperand("Please specify the new size for the VDI");
        if (newSize == null) {
            return ExitCode.USAGE;
        }
        Vdis.Opened v = vdis.open(name, 0, "", Inode.HEADER_SIZE);
        if (v == null) {
            return ExitCode.FAILURE;
        }
        Inode.Header h = v.inode().header();
        long oldMaxTotal = h.objectSize() * OLD_MAX_DATA_OBJS;
        if (h.storePolicy() == 0) {
            if (Long.compareUnsigned(newSize, oldMaxTotal) > 0) {
                s.err("New VDI size is too large. This volume's max size is %s", Long.toUnsignedString(oldMaxTotal));
                return ExitCode.USAGE;
            }
        } else if (Long.compareUnsigned(newSize, MAX_VDI_SIZE) > 0) {
            s.err("New VDI size is too large This volume's max size is %d", MAX_VDI_SIZE);
            return ExitCode.USAGE;
        }
        if (Long.compareUnsigned(newSize, h.vdiSize()) < 0) {
            s.err("Shrinking VDIs is not implemented");
            return ExitCode.USAGE;
        }
        v.inode().setVdiSize(newSize);
        if (vdis.write(Oid.vidToVdiOid(v.vid()), 0, v.inode().headerBytes(), 0, 0, h.nrCopies(), h.copyPolicy(),
                false, true) != ResultCode.SUCCESS) {
            s.err("Failed to update an inode header");
            return ExitCode.FAILURE;
        }
        return ExitCode.SUCCESS;
    }

    private int alterCopy() {
        String name = s.nextArg();
        if (o.copyPolicy != 0) {
            s.err("Changing redundancy level of erasure coded vdi is not supported yet.");
            return ExitCode.USAGE;
        }
        if (o.copies == 0) {
            o.copies = Limits.DEFAULT_COPIES;
            s.out().print("The vdi's redundancy level is not specified, use " + Limits.DEFAULT_COPIES
                    + " as default.\n");
        }
        int nodes = s.members().nodes().size();
        if (!o.force && o.copies > nodes) {
            s.confirm(String.format("Number of copies (%d) is larger than number of nodes (%d).\n"
                    + "Are you sure you want to continue? [yes/no]: ", o.copies, nodes));
        }
        Vdis.Opened v = vdis.open(name, 0, "", Inode.HEADER_SIZE);
        if (v == null) {
            s.err("Reading %s's vdi object failure.", name);
            return ExitCode.FAILURE;
        }
        Inode.Header h = v.inode().header();
        if (h.copyPolicy() != 0) {
            s.err("%s's copy policy is erasure code, changing it is not supported yet.", name);
            return ExitCode.FAILURE;
        }
        int old = h.nrCopies();
        if (old == o.copies) {
            s.err("%s's redundancy level is already set to %d, nothing changed.", name, old);
            return ExitCode.FAILURE;
        }
        if (!new VdiTree(s).standalone(vdis, v.vid(), h.name())) {
            s.err("Only standalone vdi supports changing redundancy level.");
            s.err("Please clone %s with -n (--no-share) option first.", name);
            return ExitCode.FAILURE;
        }
        if (!o.force) {
            s.confirm(ALTER_COPY_CAUTION);
        }
        v.inode().setCopies(o.copies);
        if (vdis.write(Oid.vidToVdiOid(v.vid()), 0, v.inode().headerBytes(), 0, 0, old, h.copyPolicy(), false,
                true) != ResultCode.SUCCESS) {
            s.err("Overwrite the vdi object's header of %s failure while setting its redundancy level.", name);
            return ExitCode.FAILURE;
        }
        long word0 = (long) v.vid() << 32;
        long word1 = (o.copies & 0xff) | ((long) (o.copyPolicy & 0xff) << 16)
                | ((long) (h.blockSizeShift() & 0xff) << 24);
        RequestHeader req = Session.request(Opcode.ALTER_VDI_COPY, 0, 0, word0, word1, 0, 0);
        if (s.lightRequest(s.target, req)) {
            s.err("%s's redundancy level is set to %d, the old one was %d.", name, o.copies, old);
            return ExitCode.SUCCESS;
        }
        s.err("Changing %s's redundancy level failure.", name);
        return ExitCode.FAILURE;
    }
}
