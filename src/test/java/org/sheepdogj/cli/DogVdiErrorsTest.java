package org.sheepdogj.cli;

import java.util.List;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code dog vdi ...} when things go wrong: unformatted cluster, no such VDI, VDI exists, sizes and offsets out of
 * range, attributes missing or present, usage mistakes; each with the original's message and exit status (checked
 * against dog 1.0.1 and sheep 1.0.1).
 */
class DogVdiErrorsTest extends NodeTranscriptTest {
    @TestFactory
    List<DynamicTest> errors() {
        return transcript("""
                $ dog vdi create x 1G
                Failed to create VDI x: Waiting for cluster to be formatted
                [exit 1]
                $ dog vdi read x
                Failed to open VDI x (snapshot id: 0 snapshot tag: ): Waiting for cluster to be formatted
                [exit 1]
                $ dog vdi list
                  Name        Id    Size    Used  Shared    Creation time   VDI id  Copies  Tag   Block Size Shift
                [exit 0]
                $ dog cluster format -c 1
                using backend plain store
                [exit 0]
                $ dog vdi create x 1G
                [exit 0]
                $ dog vdi create x 1G
                Failed to create VDI x: VDI exists already
                [exit 1]
                $ dog vdi create big 5T
                VDI size is larger than 4.0 TB bytes, please use '-y' to create a hyper volume with size up to 16 PB \
                bytes or use '-z' to create larger object size volume
                Usage: dog vdi create [-P] [-y] [-c copies] [-a address] [-p port] [-h] [-r] [-v] \
                [-z block_size_shift] [-T] <vdiname> <size>
                Options:
                  -P, --prealloc          preallocate all the data objects
                  -y, --hyper             create a hyper volume
                  -c, --copies            specify the data redundancy level
                  -a, --address           specify the daemon address (default: localhost)
                  -p, --port              specify the daemon port
                  -h, --help              display this help and exit
                  -r, --raw               raw output mode: omit headers, separate fields with
                                          single spaces and print all sizes in decimal bytes
                  -v, --verbose           print more information than default
                  -z, --block_size_shift  specify the bit shift num for data object size
                  -T, --time              show elapsed time
                [exit 64]
                $ dog vdi create y 1Q
                Invalid size '1Q'
                You may use B, K, M, G, T or P suffixes for bytes, kilobytes, megabytes, gigabytes, terabytes and \
                petabytes.
                Usage: dog vdi create [-P] [-y] [-c copies] [-a address] [-p port] [-h] [-r] [-v] \
                [-z block_size_shift] [-T] <vdiname> <size>
                Options:
                  -P, --prealloc          preallocate all the data objects
                  -y, --hyper             create a hyper volume
                  -c, --copies            specify the data redundancy level
                  -a, --address           specify the daemon address (default: localhost)
                  -p, --port              specify the daemon port
                  -h, --help              display this help and exit
                  -r, --raw               raw output mode: omit headers, separate fields with
                                          single spaces and print all sizes in decimal bytes
                  -v, --verbose           print more information than default
                  -z, --block_size_shift  specify the bit shift num for data object size
                  -T, --time              show elapsed time
                [exit 64]
                $ dog vdi create -c 0 y 1G
                Invalid parameter 0
                To create replicated vdi, set -c x
                  x(1 to 31)   - number of replicated copies
                To create erasure coded vdi, set -c x:y
                  x(2,4,8,16)  - number of data strips
                  y(1 to 15)   - number of parity strips
                [exit 1]
                $ dog vdi delete nosuch
                Failed to open VDI nosuch (snapshot id: 0 snapshot tag: ): No VDI found
                [exit 0]
                $ dog vdi delete -s 0 x
                The snapshot id must be larger than zero
                [exit 1]
                $ dog vdi read nosuch
                Failed to open VDI nosuch (snapshot id: 0 snapshot tag: ): No VDI found
                [exit 1]
                $ dog vdi resize nosuch 2G
                Failed to open VDI nosuch (snapshot id: 0 snapshot tag: ): No VDI found
                [exit 1]
                $ dog vdi resize x 512M
                Shrinking VDIs is not implemented
                Usage: dog vdi resize [-a address] [-p port] [-h] [-T] <vdiname> <new size>
                Options:
                  -a, --address           specify the daemon address (default: localhost)
                  -p, --port              specify the daemon port
                  -h, --help              display this help and exit
                  -T, --time              show elapsed time
                [exit 64]
                $ dog vdi read x 2G
                Read offset is beyond the end of the VDI
                [exit 1]
                $ dog vdi read x 1G 1
                [exit 0]
                $ dog vdi write x 2G
                Write offset is beyond the end of the VDI
                [exit 1]
                $ dog vdi snapshot nosuch
                Failed to create snapshot for nosuch: No VDI found
                [exit 1]
                $ dog vdi snapshot -s 3 x
                Please specify a non-integer value for a snapshot tag name
                Usage: dog vdi snapshot [-s snapshot] [-a address] [-p port] [-h] [-r] [-v] [-T] [-R] <vdiname>
                Options:
                  -s, --snapshot          specify a snapshot id or tag name
                  -a, --address           specify the daemon address (default: localhost)
                  -p, --port              specify the daemon port
                  -h, --help              display this help and exit
                  -r, --raw               raw output mode: omit headers, separate fields with
                                          single spaces and print all sizes in decimal bytes
                  -v, --verbose           print more information than default
                  -T, --time              show elapsed time
                  -R, --reduce-identical-snapshotsdo not create snapshot if working VDI doesn't have its own objects
                [exit 64]
                $ dog vdi clone -s 1 x y
                Failed to open VDI x (snapshot id: 1 snapshot tag: ): Failed to find requested tag
                [exit 1]
                $ dog vdi clone x y
                Only snapshot VDIs can be cloned
                Please specify the '-s' option
                Usage: dog vdi clone [-s snapshot] [-P] [-n] [-a address] [-p port] [-h] [-r] [-v] [-T] <src vdi> \
                <dst vdi>
                Options:
                  -s, --snapshot          specify a snapshot id or tag name
                  -P, --prealloc          preallocate all the data objects
                  -n, --no-share          share nothing with its parent
                  -a, --address           specify the daemon address (default: localhost)
                  -p, --port              specify the daemon port
                  -h, --help              display this help and exit
                  -r, --raw               raw output mode: omit headers, separate fields with
                                          single spaces and print all sizes in decimal bytes
                  -v, --verbose           print more information than default
                  -T, --time              show elapsed time
                [exit 64]
                $ dog vdi rollback -s 1 x
                Failed to open VDI x (snapshot id: 1 snapshot tag: ): Failed to find requested tag
                [exit 1]
                $ dog vdi getattr x k
                Attribute 'k' not found
                [exit 5]
                $ dog vdi getattr nosuch k
                VDI not found
                [exit 5]
                $ dog vdi setattr nosuch k v
                VDI not found
                [exit 5]
                $ dog vdi setattr -d x k
                Attribute 'k' not found
                [exit 5]
                $ dog vdi setattr x k v
                [exit 0]
                $ dog vdi setattr -x x k v2
                The attribute 'k' already exists
                [exit 3]
                $ dog vdi getattr x k
                v[exit 0]
                $ dog vdi object map nosuch
                Failed to open VDI nosuch (snapshot id: 0 snapshot tag: ): No VDI found
                FATAL: nosuch not found
                [exit 1]
                $ dog vdi object location nosuch
                Failed to open VDI nosuch (snapshot id: 0 snapshot tag: ): No VDI found
                FATAL: no inode objects
                [exit 1]
                $ dog vdi lock unlock x
                VDI x (vid=21707) is not locked
                [exit 1]
                $ dog vdi lock unlock nosuch
                Failed to find VDI nosuch: No VDI found
                [exit 1]
                $ dog vdi alter-copy -c 1 -f x
                x's redundancy level is already set to 1, nothing changed.
                [exit 1]
                $ dog vdi backup -s 1 x
                Please specify snapshots with '-F' and '-s' options
                Usage: dog vdi backup [-s snapshot] [-F from] [-a address] [-p port] [-h] [-T] <vdiname>
                Options:
                  -s, --snapshot          specify a snapshot id or tag name
                  -F, --from              create a differential backup from the snapshot
                  -a, --address           specify the daemon address (default: localhost)
                  -p, --port              specify the daemon port
                  -h, --help              display this help and exit
                  -T, --time              show elapsed time
                [exit 64]
                $ dog vdi restore x
                We can restore a backup file only to snapshots
                Please specify the '-s' option
                Usage: dog vdi restore [-s snapshot] [-a address] [-p port] [-h] [-T] <vdiname>
                Options:
                  -s, --snapshot          specify a snapshot id or tag name
                  -a, --address           specify the daemon address (default: localhost)
                  -p, --port              specify the daemon port
                  -h, --help              display this help and exit
                  -T, --time              show elapsed time
                [exit 64]
                $ dog vdi restore -s 9 x
                Failed to open VDI x (snapshot id: 9 snapshot tag: ): Failed to find requested tag
                Snapshot ID 9 or tag  doesn't exist
                [exit 1]
                """);
    }
}
