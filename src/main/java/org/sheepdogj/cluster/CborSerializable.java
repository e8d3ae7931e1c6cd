package org.sheepdogj.cluster;

/** Marks messages and durable states that travel between nodes or to disk as Jackson CBOR. */
public interface CborSerializable {
}
