package org.sheepdogj.management;

import org.sheepdogj.cluster.CborSerializable;

/** What one node tells the others of itself: its disk, its load, its client I/O and its recovery. */
public record NodeReport(String address, long diskSize, long diskFree, long requestsInFlight, long bytesInFlight,
                         long connections, IoTotals io, RecoveryState recovery) implements CborSerializable {
}
