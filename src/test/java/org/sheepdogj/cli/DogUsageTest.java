package org.sheepdogj.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * dog's command line: help texts, option parsing as GNU getopt_long does it (options among operands, abbreviations,
 * mistakes), values checked before any request, and a node that cannot be reached; the original's texts and exit
 * statuses (checked against dog 1.0.1).
 */
class DogUsageTest {
    private static final String USAGE = """
            Sheepdog administrator utility (version 1.0.1)
            Usage: dog <command> <subcommand> [options]

            Available commands:
              vdi check               check and repair image's consistency
              vdi create              create an image
              vdi snapshot            create a snapshot
              vdi clone               clone an image
              vdi delete              delete an image
              vdi rollback            rollback to a snapshot
              vdi list                list images
              vdi tree                show images in tree view format
              vdi graph               show images in Graphviz dot format
              vdi object              show object information in the image
              vdi track               show the object epoch trace in the image
              vdi setattr             set a VDI attribute
              vdi getattr             get a VDI attribute
              vdi resize              resize an image
              vdi read                read data from an image
              vdi write               write data to an image
              vdi backup              create an incremental backup between two snapshots and outputs to STDOUT
              vdi restore             restore snapshot images from a backup provided in STDIN
              vdi alter-copy          set the vdi's redundancy level
              vdi lock                See 'dog vdi lock' for more information
              node kill               kill node
              node list               list nodes
              node info               show information about each node
              node recovery           show recovery information or set/get recovery speed throttling of nodes
              node md                 See 'dog node md' for more information
              node stat               show stat information about the node
              node log                show or set log level of the node
              node vnodes             set new vnodes
              node format             initialize store format of the node
              cluster info            show cluster information
              cluster format          create a Sheepdog store
              cluster shutdown        stop Sheepdog
              cluster snapshot        snapshot/restore the cluster
              cluster recover         See 'dog cluster recover' for more information
              cluster reweight        reweight the cluster
              cluster check           check and repair cluster
              cluster alter-copy      set the cluster's redundancy level
              upgrade inode-convert   upgrade inode object file
              upgrade epoch-convert   upgrade epoch log file
              upgrade config-convert  upgrade config file
              upgrade object-location print object location
              benchmark io            benchmark I/O performance

            For more information, run 'dog <command> <subcommand> --help'.
            """;

    @Test
    void withoutArgumentsTheCommandsAreListed() {
        DogConsole.Result r = DogConsole.run("", Map.of());
        assertEquals(USAGE, r.out());
        assertEquals("", r.err());
        assertEquals(0, r.status());
        assertEquals(USAGE, DogConsole.run("", Map.of(), "--help").out());
    }

    @Test
    void anUnknownCommandIsNamed() {
        DogConsole.Result r = DogConsole.run("", Map.of(), "volume", "list");
        assertEquals("Invalid command 'volume'\nTry 'dog --help' for more information.\n", r.err());
        assertEquals(64, r.status());
    }

    @Test
    void aCommandWithoutSubcommandListsItsSubcommands() {
        DogConsole.Result r = DogConsole.run("", Map.of(), "cluster");
        assertEquals("""
                Available cluster commands:
                  cluster info
                  cluster format
                  cluster shutdown
                  cluster snapshot
                  cluster recover
                  cluster reweight
                  cluster check
                  cluster alter-copy
                """, r.err());
        assertEquals(64, r.status());
        DogConsole.Result unknown = DogConsole.run("", Map.of(), "node", "show");
        assertTrue(unknown.err().startsWith("Invalid command 'node show'\nAvailable node commands:\n  node kill\n"),
                unknown.err());
        assertEquals(64, unknown.status());
    }

    @Test
    void theEnvironmentNamesTheNode() {
        int closed = DogConsole.closedPort();
        DogConsole.Result r = DogConsole.run("", Map.of("SHEEPDOG_DOG_PORT", Integer.toString(closed),
                "SHEEPDOG_DOG_ADDR", "127.0.0.1"), "node", "list");
        String refused = "failed to connect to 127.0.0.1:" + closed + ": Connection refused\n";
        assertEquals(refused + refused + "Failed to get node list\n", r.err());
        assertEquals(2, r.status());
        DogConsole.Result bad = DogConsole.run("", Map.of("SHEEPDOG_DOG_PORT", "70000"), "node", "list");
        assertEquals("Invalid port number '70000'\n", bad.err());
        assertEquals(64, bad.status());
    }

    @Test
    void collieIsDogUnderItsOlderName() {
        DogConsole.Result r = DogConsole.run("", Map.of(), "vdi", "list", "--color");
        assertEquals("dog: unrecognized option '--color'\nTry 'dog --help' for more information.\n", r.err());
        DogConsole.Result collie = DogConsole.run("collie", "", Map.of(), "vdi", "list", "--color");
        assertEquals("collie: unrecognized option '--color'\nTry 'collie --help' for more information.\n",
                collie.err());
        assertEquals(64, collie.status());
    }

    @Test
    void aMissingValueIsReported() {
        DogConsole.Result r = DogConsole.run("", Map.of(), "vdi", "create", "x", "1G", "-z");
        assertEquals("dog: option requires an argument -- 'z'\nTry 'dog --help' for more information.\n", r.err());
        assertEquals(64, r.status());
        DogConsole.Result longName = DogConsole.run("", Map.of(), "vdi", "create", "x", "1G", "--copies");
        assertEquals("dog: option '--copies' requires an argument\nTry 'dog --help' for more information.\n",
                longName.err());
    }

    /** Commands that fail before any request, or find no node, pointed at a port where nothing listens. */
    @TestFactory
    List<DynamicTest> withoutNode() {
        int closed = DogConsole.closedPort();
        return Transcript.tests("""
                $ dog vdi list -Q
                dog: invalid option -- 'Q'
                Try 'dog --help' for more information.
                [exit 64]
                $ dog vdi list --raw=1
                dog: option '--raw' doesn't allow an argument
                Try 'dog --help' for more information.
                [exit 64]
                $ dog vdi create --p x 1G
                dog: option '--p' is ambiguous; possibilities: '--prealloc' '--port'
                Try 'dog --help' for more information.
                [exit 64]
                $ dog vdi create --s x 1G
                dog: unrecognized option '--s'
                Try 'dog --help' for more information.
                [exit 64]
                $ dog vdi create -z 32 x 1G
                Object Size is limited to 2^31. Please set shift bit lower than 31
                [exit 1]
                $ dog vdi create -y -z 22 x 1G
                Don't specify both -y and -z options, please
                [exit 1]
                $ dog vdi list -o zz
                object id must be a hex integer
                [exit 1]
                $ dog vdi track -i zz x
                The index must be a decimal integer or a hexadecimal integer started with 0x
                [exit 1]
                $ dog vdi list -a no.such.host.invalid
                Invalid ip address no.such.host.invalid
                [exit 1]
                $ dog vdi list -p 7a
                Invalid port number '7a'
                [exit 64]
                $ dog upgrade inode-convert -o v1 a b
                unknown original version: v1
                valid versions are v0.7 or v0.8
                [exit 1]
                $ dog vdi lock foo
                Usage: dog vdi lock {list|unlock} [-s snapshot] [-a address] [-p port] [-h] [-T]
                Available subcommands:
                  list                    list locked VDIs
                  unlock                  unlock locked VDI forcibly
                Options:
                  -s, --snapshot          specify a snapshot id or tag name
                  -a, --address           specify the daemon address (default: localhost)
                  -p, --port              specify the daemon port
                  -h, --help              display this help and exit
                  -T, --time              show elapsed time
                [exit 1]
                $ dog node log level
                Usage: dog node log level {set|get|list} [-a address] [-p port] [-h] [-T]
                Available subcommands:
                  set                     set new loglevel
                  get                     get current loglevel
                  list                    list available loglevels
                Options:
                  -a, --address           specify the daemon address (default: localhost)
                  -p, --port              specify the daemon port
                  -h, --help              display this help and exit
                  -T, --time              show elapsed time
                [exit 64]
                $ dog vdi object -h
                Usage: dog vdi object {location|map|dump-inode} [-i index] [-s snapshot] [-a address] [-p port] \
                [-h] [-T] <vdiname>
                Available subcommands:
                  location                show object location information
                  map                     show object map information
                  dump-inode              dump inode information
                Options:
                  -i, --index             specify the index of data objects
                  -s, --snapshot          specify a snapshot id or tag name
                  -a, --address           specify the daemon address (default: localhost)
                  -p, --port              specify the daemon port
                  -h, --help              display this help and exit
                  -T, --time              show elapsed time
                [exit 0]
                $ dog node list
                failed to connect to 127.0.0.1:PORT: Connection refused
                failed to connect to 127.0.0.1:PORT: Connection refused
                Failed to get node list
                [exit 2]
                $ dog vdi list
                failed to connect to 127.0.0.1:PORT: Connection refused
                failed to connect to 127.0.0.1:PORT: Connection refused
                  Name        Id    Size    Used  Shared    Creation time   VDI id  Copies  Tag   Block Size Shift
                [exit 2]
                $ dog cluster shutdown
                failed to connect to 127.0.0.1:PORT: Connection refused
                failed to connect to 127.0.0.1:PORT: Connection refused
                failed to execute request
                [exit 1]
                $ dog vdi setattr x k v
                failed to connect to 127.0.0.1:PORT: Connection refused
                failed to connect to 127.0.0.1:PORT: Connection refused
                Failed to set attribute: I/O error
                [exit 1]
                $ dog vdi read x
                failed to connect to 127.0.0.1:PORT: Connection refused
                failed to connect to 127.0.0.1:PORT: Connection refused
                Failed to open VDI x (snapshot id: 0 snapshot tag: ): I/O error
                [exit 1]
                """, closed, s -> s.replace(Integer.toString(closed), "PORT"));
    }
}
