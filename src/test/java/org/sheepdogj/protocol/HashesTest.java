package org.sheepdogj.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The hash values sheepdog 1.0 computes (vectors from its headers and functional tests). */
class HashesTest {
    @Test
    void vdiIdsOfNames() {
        assertEquals(0xfd32fc, Hashes.vdiIdOf("test1"));
        assertEquals(0x7c2b25, Hashes.vdiIdOf("test"));
        assertEquals(0xfd3815, Hashes.vdiIdOf("test2"));
        assertEquals(0x222325, Hashes.vdiIdOf(""));
        assertEquals(0x15d167, Hashes.vdiIdOf("Alice"), "as the recorded sheep allocated");
        assertEquals(0x4a0a54, Hashes.vdiIdOf("bob"));
    }

    @Test
    void objectAndNodeHashes() {
        assertEquals(0xefff2130860fcec9L, Hashes.sdHashOid(0x80fd32fc00000000L));
        assertEquals(0x5b5ab9b7028e7e6cL, Hashes.sdHashOid(0x00fd32fc00000000L));
        assertEquals(0x342511336ef0662cL, Hashes.sdHashOid(0x00fd32fc00000001L));
        byte[] node = NodeId.of("127.0.0.1", 7000).hashedBytes();
        long h = Hashes.sdHash(node, 0, node.length);
        assertEquals(0x9cb3d6dd0a4c0f9fL, h);
        assertEquals(0x3af2cba6e538cdf3L, Hashes.sdHashNext(h));
        assertEquals(0xfd38432fd111924bL, Hashes.sdHashNext(Hashes.sdHashNext(h)));
    }
}
