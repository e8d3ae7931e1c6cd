package org.sheepdogj.cli;

import java.util.List;

import org.sheepdogj.protocol.Limits;

/** The options of {@code dog vdi ...}, and what its parser makes of them ({@code struct vdi_cmd_data}). */
final class VdiOptions {
    static final List<OptionSpec> OPTIONS = List.of(
            new OptionSpec('P', "prealloc", false, "preallocate all the data objects"),
            new OptionSpec('n', "no-share", false, "share nothing with its parent"),
            new OptionSpec('i', "index", true, "specify the index of data objects"),
            new OptionSpec('s', "snapshot", true, "specify a snapshot id or tag name"),
            new OptionSpec('x', "exclusive", false, "write in an exclusive mode"),
            new OptionSpec('d', "delete", false, "delete a key"),
            new OptionSpec('w', "writeback", false, "use writeback mode"),
            new OptionSpec('c', "copies", true, "specify the data redundancy level"),
            new OptionSpec('F', "from", true, "create a differential backup from the snapshot"),
            new OptionSpec('f', "force", false, "do operation forcibly"),
            new OptionSpec('y', "hyper", false, "create a hyper volume"),
            new OptionSpec('o', "oid", true, "specify the object id of the tracking object"),
            new OptionSpec('e', "exist", false, "only check objects exist or not,\n"
                    + "                          neither comparing nor repairing"),
            new OptionSpec('z', "block_size_shift", true, "specify the bit shift num for data object size"),
            new OptionSpec('R', "reduce-identical-snapshots", false, "do not create snapshot if working VDI doesn't"
                    + " have its own objects"));
    /** {@code -i}; all bits set when not given. */
    long index = -1;
    int snapshotId;
    String snapshotTag = "";
    boolean exclusive;
    boolean delete;
    boolean prealloc;
    int copies;
    int copyPolicy;
    int blockSizeShift;
    boolean writeback;
    int fromSnapshotId;
    String fromSnapshotTag = "";
    boolean force;
    int storePolicy;
    long oid;
    boolean noShare;
    boolean exist;
    boolean reduceIdenticalSnapshots;

    boolean snapshotGiven() {
        return snapshotId != 0 || !snapshotTag.isEmpty();
    }

    /** {@code vdi_parser}: takes one option; dog ends here when its value is not valid. */
    void parse(char letter, String value, Session s) {
        switch (letter) {
            case 'P' -> prealloc = true;
            case 'n' -> noShare = true;
            case 'i' -> index(value, s);
            case 's' -> snapshot(value, s);
            case 'x' -> exclusive = true;
            case 'd' -> delete = true;
            case 'w' -> writeback = true;
            case 'c' -> copies(value, s);
            case 'F' -> {
                CNumbers.Parsed p = CNumbers.strtol(value, 10, false);
                boolean tag = p.none() || p.end() != value.length();
                fromSnapshotId = tag ? 0 : (int) p.value();
                fromSnapshotTag = tag ? value : fromSnapshotTag;
            }
            case 'f' -> force = true;
            case 'y' -> {
                storePolicy = 1;
                if (blockSizeShift != 0) {
                    s.err("Don't specify both -y and -z options, please");
                    throw s.exit(ExitCode.FAILURE);
                }
            }
            case 'o' -> {
                CNumbers.Parsed p = CNumbers.strtol(value, 16, true);
                if (p.none()) {
                    s.err("object id must be a hex integer");
                    throw s.exit(ExitCode.FAILURE);
                }
                oid = p.value();
            }
            case 'e' -> exist = true;
            case 'z' -> blockSizeShift(value, s);
            case 'R' -> reduceIdenticalSnapshots = true;
            default -> {
            }
        }
    }

    private void index(String value, Session s) {
        boolean hex = value.startsWith("0x");
        CNumbers.Parsed p = CNumbers.strtol(value, hex ? 16 : 10, false);
        if (p.none()) {
            s.err("The index must be a decimal integer or a hexadecimal integer started with 0x");
            throw s.exit(ExitCode.FAILURE);
        }
        index = p.value();
    }

    private void snapshot(String value, Session s) {
        CNumbers.Parsed p = CNumbers.strtol(value, 10, false);
        if (p.none() || p.end() != value.length()) {
            snapshotId = 0;
            snapshotTag = value;
        } else {
            snapshotId = (int) p.value();
            if (snapshotId == 0) {
                s.term.err().print("The snapshot id must be larger than zero\n");
                throw s.exit(ExitCode.FAILURE);
            }
        }
    }

    private void copies(String value, Session s) {
        int[] c = CNumbers.copies(value);
        copies = c[0];
        copyPolicy = c[1];
        if (copies == 0) {
            s.err(CNumbers.copiesHelp(value));
            throw s.exit(ExitCode.FAILURE);
        }
    }

    private void blockSizeShift(String value, Session s) {
        int shift = CNumbers.atoi(value) & 0xff;
        if (shift > Limits.MAX_BLOCK_SIZE_SHIFT) {
            s.err("Object Size is limited to 2^31. Please set shift bit lower than 31");
            throw s.exit(ExitCode.FAILURE);
        } else if (shift < Limits.MIN_BLOCK_SIZE_SHIFT) {
            s.err("Object Size is larger than 2^20. Please set shift bit larger than 20");
            throw s.exit(ExitCode.FAILURE);
        }
        if (storePolicy == 1) {
            s.err("Don't specify both -y and -z options, please");
            throw s.exit(ExitCode.FAILURE);
        }
        blockSizeShift = shift;
    }
}
