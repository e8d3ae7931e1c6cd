package org.sheepdogj.management;

import static org.sheepdogj.testing.Futures.get;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import org.apache.pekko.util.ByteString;
import org.sheepdogj.client.Sheepdog;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.client.VdiHandle;
import org.sheepdogj.testing.ManagementHttp;
import org.sheepdogj.testing.NodeProcess;
import org.sheepdogj.testing.ProcessCluster;

/**
 * Three node processes with management HTTP, formatted with two copies, holding what an operator would look at:
 * Alice (1 GiB, written, one snapshot tagged {@value #TAG}), Bob cloned from that snapshot, and Carol, created and
 * deleted.
 */
final class DemoCluster implements AutoCloseable {
    static final String TAG = "before-upgrade";
    static final long ALICE_SIZE = 1L << 30;

    final ProcessCluster cluster;
    final int aliceSnapshotId;
    final int aliceId;
    final int bobId;

    DemoCluster(Path dir) throws Exception {
        cluster = new ProcessCluster(dir, 3, true).start();
        try (SheepdogConnection c = cluster.node(0).connect()) {
            get(Sheepdog.format(c, 2, 0));
            ProcessCluster.awaitRunning(cluster.alive(), Duration.ofSeconds(60));
            get(Sheepdog.createVdi(c, "Alice", ALICE_SIZE));
            try (VdiHandle alice = get(VdiHandle.open(c, "Alice", 0, ""))) {
                get(alice.write(0, pattern(64 * 1024, 1)));
                aliceSnapshotId = get(alice.snapshot(TAG));
                aliceId = alice.vid();
                get(alice.write(4L << 20, pattern(64 * 1024, 2)));
            }
            bobId = get(Sheepdog.clone(c, "Alice", 1, "", "Bob"));
            get(Sheepdog.createVdi(c, "Carol", 1L << 20));
            get(Sheepdog.deleteVdi(c, "Carol", "", 0));
        }
    }

    NodeProcess node(int i) {
        return cluster.node(i);
    }

    ManagementHttp http(int i) {
        return new ManagementHttp(cluster.node(i).httpPort());
    }

    static ByteString pattern(int length, int seed) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) seed);
        return ByteString.fromArrayUnsafe(b);
    }

    @Override
    public void close() {
        cluster.close();
    }
}
