package org.sheepdogj.cli;

import java.util.List;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code dog cluster ...}: format and its refusals, redundancy changes, recovery switches, shutdown; the original's
 * messages and exit statuses, checked against dog 1.0.1 and sheep 1.0.1.
 */
class DogClusterErrorsTest extends NodeTranscriptTest {
    @TestFactory
    List<DynamicTest> commands() {
        return transcript("""
                $ dog cluster info
                Cluster status: Waiting for cluster to be formatted

                [exit 0]
                $ dog cluster alter-copy -c 2 -f
                Response's result: Waiting for cluster to be formatted
                [exit 1]
                $ dog cluster format -V
                Can not apply the option of '-V', because there are vnode strategy of sheep is auto in the cluster
                [exit 1]
                $ dog cluster format -c 99
                Invalid parameter 99
                To create replicated vdi, set -c x
                  x(1 to 31)   - number of replicated copies
                To create erasure coded vdi, set -c x:y
                  x(2,4,8,16)  - number of data strips
                  y(1 to 15)   - number of parity strips
                [exit 1]
                $ dog cluster format -z 19
                Object Size is larger than 2^20. Please set shift bit larger than 20
                [exit 1]
                $ dog cluster format -c 1
                using backend plain store
                [exit 0]
                $ dog cluster info
                Cluster status: running, auto-recovery enabled

                Cluster created at Thu Jan  1 00:00:00 1970

                Epoch Time           Version [Host:Port:V-Nodes,,,]
                2026-01-01 00:00:00      1 [127.0.0.1:PORT:128]
                [exit 0]
                $ dog cluster info -v
                Cluster status: running, auto-recovery enabled
                Cluster store: plain with 1 redundancy policy
                Cluster vnodes strategy: auto
                Cluster vnode mode: node
                Cluster created at Thu Jan  1 00:00:00 1970

                Epoch Time           Version [Host:Port:V-Nodes,,,]
                2026-01-01 00:00:00      1 [127.0.0.1:PORT:128]
                [exit 0]
                $ dog cluster info -d
                Cluster status: running, auto-recovery enabled

                Cluster created at Thu Jan  1 00:00:00 1970

                Epoch Time           Version [Host:Port:V-Nodes,,,]
                2026-01-01 00:00:00      1 [formated]
                [exit 0]
                $ dog cluster alter-copy -c 1 -f
                The cluster's redundancy level is already set to 1, nothing changed.
                [exit 1]
                $ dog cluster alter-copy -c 2:1 -f
                Changing redundancy level of erasure coded vdi is not supported yet.
                Usage: dog cluster alter-copy [-a address] [-p port] [-h] [-T] [-c copies] [-f]
                Options:
                  -a, --address           specify the daemon address (default: localhost)
                  -p, --port              specify the daemon port
                  -h, --help              display this help and exit
                  -T, --time              show elapsed time
                  -c, --copies            specify the default data redundancy (number of copies)
                  -f, --force             do not prompt for confirmation
                [exit 64]
                $ dog cluster alter-copy -c 2 -f
                The cluster's redundancy level is set to 2, the old one was 1.
                [exit 0]
                $ dog cluster alter-copy -c 1
                    __
                   ()'`;
                   /\\|`  Caution! Changing cluster's redundancy level will affect
                  /  |   all the VDIs to be created later.
                (/_)_|_  Are you sure you want to continue? [yes/no]: [exit 0]
                $ dog cluster alter-copy -c 3 -f
                The cluster's redundancy level is set to 3, the old one was 2.
                [exit 0]
                $ dog cluster alter-copy -c 2
                Number of copies (2) is larger than number of nodes (1).
                Are you sure you want to continue? [yes/no]: [exit 0]
                $ dog cluster recover force -f
                failed to execute request, Cluster is running/halted and cannot be force recovered
                [exit 1]
                $ dog cluster recover force
                Caution! Please try starting all the cluster nodes normally before
                running this command.

                The cluster may need to be force recovered if:
                  - the master node fails to start because of epoch mismatch; or
                  - some nodes fail to start after a cluster shutdown.

                Are you sure you want to continue? [yes/no]: [exit 0]
                $ dog cluster recover disable
                Cluster recovery: disable
                [exit 0]
                $ dog cluster info
                Cluster status: running, auto-recovery disabled

                Cluster created at Thu Jan  1 00:00:00 1970

                Epoch Time           Version [Host:Port:V-Nodes,,,]
                2026-01-01 00:00:00      1 [127.0.0.1:PORT:128]
                [exit 0]
                $ dog cluster recover enable
                Cluster recovery: enable
                [exit 0]
                $ dog cluster recover
                Usage: dog cluster recover {force|enable|disable} [-a address] [-f] [-p port] [-h] [-T]
                Available subcommands:
                  force                   force recover cluster immediately
                  enable                  enable automatic recovery and run once recover if necessary
                  disable                 disable automatic recovery
                Options:
                  -a, --address           specify the daemon address (default: localhost)
                  -f, --force             do not prompt for confirmation
                  -p, --port              specify the daemon port
                  -h, --help              display this help and exit
                  -T, --time              show elapsed time
                [exit 64]
                $ dog cluster reweight
                [exit 0]
                $ dog cluster format -V -f
                Can not apply the option of '-V', because there are vnode strategy of sheep is auto in the cluster
                [exit 1]
                $ dog cluster shutdown
                [exit 0]
                """);
    }
}
