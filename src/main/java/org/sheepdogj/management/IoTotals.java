package org.sheepdogj.management;

import org.sheepdogj.cluster.CborSerializable;

/**
 * Client object I/O a node served as a gateway since it started: reads and writes and their bytes. The status page
 * turns the differences between two samples into IOPS and throughput.
 */
public record IoTotals(long reads, long writes, long readBytes, long writeBytes) implements CborSerializable {
}
