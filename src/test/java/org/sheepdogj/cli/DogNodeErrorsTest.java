package org.sheepdogj.cli;

import java.util.List;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code dog node ...} when things go wrong (unformatted cluster, bad node ids, log levels, vnodes, throttling) and
 * when they go right; the original's messages and exit statuses, checked against dog 1.0.1 and sheep 1.0.1.
 */
class DogNodeErrorsTest extends NodeTranscriptTest {
    @TestFactory
    List<DynamicTest> commands() {
        return transcript("""
                $ dog node info
                Response's result: Waiting for cluster to be formatted
                Cannot get information from any nodes
                Id	Size	Used	Avail	Use%
                [exit 2]
                $ dog node md info
                failed to get multi-disk information: Waiting for cluster to be formatted
                Id	Size	Used	Avail	Use%	Path
                [exit 1]
                $ dog node recovery
                Waiting for cluster to be formatted
                Nodes In Recovery:
                  Id   Host:Port         V-Nodes       Zone       Progress
                [exit 1]
                $ dog cluster format -c 1
                using backend plain store
                [exit 0]
                $ dog node list
                  Id   Host:Port         V-Nodes       Zone
                   0   127.0.0.1:PORT      	128   16777343
                [exit 0]
                $ dog node list -r
                0 127.0.0.1:PORT 128 16777343
                [exit 0]
                $ dog node recovery
                Nodes In Recovery:
                  Id   Host:Port         V-Nodes       Zone       Progress
                [exit 0]
                $ dog node recovery -r
                [exit 0]
                $ dog node recovery info
                Nodes In Recovery:
                  Id   Host:Port         V-Nodes       Zone       Progress
                [exit 0]
                $ dog node recovery -P
                [exit 0]
                $ dog node kill 7
                Invalid node id '7'
                [exit 64]
                $ dog node kill x
                Invalid node id 'x', please specify a numeric value
                [exit 64]
                $ dog node kill -l 0
                don't use -l option and specify node id at the same time
                [exit 64]
                $ dog node kill
                please specify -l option or node id
                [exit 64]
                $ dog node log level get
                info (6)
                [exit 0]
                $ dog node log level set loud
                invalid loglevel: loud
                available loglevels:
                emerg	(0)
                alert	(1)
                crit	(2)
                err	(3)
                warning	(4)
                notice	(5)
                info	(6)
                debug	(7)
                [exit 255]
                $ dog node log level set debug
                [exit 0]
                $ dog node log level get
                debug (7)
                [exit 0]
                $ dog node log level set info
                [exit 0]
                $ dog node vnodes set 0
                Invalid number of vnodes '0': must be an integer between 1 and 65535
                [exit 64]
                $ dog node vnodes set 12
                Failed to execute request
                [exit 255]
                $ dog node recovery set-throttle 1
                Invalid interval max (1), interval ((null))
                [exit 64]
                $ dog node recovery set-throttle 0 5
                Invalid interval max (0), interval (5)
                [exit 64]
                $ dog node recovery set-throttle 5 100
                [exit 0]
                $ dog node recovery get-throttle
                max (5), interval (100)
                [exit 0]
                $ dog node md plug /tmp/x
                    __
                   ()'`;
                   /\\|`
                  /  |   Caution! The directories to be plugged will be purged.
                (/_)_|_  Are you sure you want to continue? [yes/no]: [exit 0]
                $ dog node md
                Usage: dog node md {info|plug|unplug} [-a address] [-p port] [-r] [-A] [-f] [-h] [-T] [disks]
                Available subcommands:
                  info                    show multi-disk information
                  plug                    plug more disk(s) into node
                  unplug                  unplug disk(s) from node
                Options:
                  -a, --address           specify the daemon address (default: localhost)
                  -p, --port              specify the daemon port
                  -r, --raw               raw output mode: omit headers, separate fields with
                                          single spaces and print all sizes in decimal bytes
                  -A, --all               show md information of all the nodes
                  -f, --force             ignore the confirmation
                  -h, --help              display this help and exit
                  -T, --time              show elapsed time
                [exit 64]
                """);
    }
}
