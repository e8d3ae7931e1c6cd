package org.sheepdogj.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** Sizes, times and addresses as dog prints them. */
class TextTest {
    private static final long MB = 1 << 20;

    @Test
    void sizesInMegabytesAndUpWithOneDecimalBelowTen() {
        assertEquals("0.0 MB", Text.size(0, false));
        assertEquals("4.0 MB", Text.size(4 * MB, false));
        assertEquals("10 MB", Text.size(10 * MB, false));
        assertEquals("1.0 GB", Text.size(1024 * MB, false));
        assertEquals("20 GB", Text.size(20 * 1024 * MB, false));
        assertEquals("16 PB", Text.size((1L << 22) << 32, false));
        assertEquals("16 EB", Text.size(-1, false));
    }

    @Test
    void halvesRoundToEvenAsGlibcPrintfDoes() {
        assertEquals("10 MB", Text.size(10 * MB + MB / 2, false));
        assertEquals("12 MB", Text.size(11 * MB + MB / 2, false));
        assertEquals("0.2 MB", Text.size(MB / 4, false));
        assertEquals("0.8 MB", Text.size(3 * MB / 4, false));
    }

    @Test
    void rawSizesAreUnsignedBytes() {
        assertEquals("16777216", Text.size(16 * MB, true));
        assertEquals("18446744073709551615", Text.size(-1, true));
    }

    @Test
    void timesAreLocal() {
        assertEquals("2026-11-24 16:51", Text.minutes(1795539066L, ZoneOffset.UTC));
        assertEquals("2026-11-24 17:51:06", Text.seconds(1795539066L, ZoneOffset.ofHours(1)));
        assertEquals("Tue Nov 24 16:51:06 2026\n", Text.ctime(1795539066L, ZoneOffset.UTC));
        assertEquals("Thu Jan  1 00:00:00 1970\n", Text.ctime(0, ZoneOffset.UTC));
    }

    @Test
    void addressesAsInetNtop() {
        byte[] v4 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 127, 0, 0, 1};
        assertEquals("127.0.0.1:7000", Text.address(v4, 7000));
        byte[] loop6 = new byte[16];
        loop6[15] = 1;
        assertEquals("::1", Text.address(loop6));
        byte[] v6 = {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1};
        assertEquals("2001:db8::1:0:0:1", Text.address(v6));
        assertEquals("IPv4 ip:127.0.0.1 port:7000", Text.nodeId(v4, 7000));
        assertEquals("IPv6 ip:::1 port:7000", Text.nodeId(loop6, 7000));
    }

    @Test
    void rawNamesEscapeBlanksAndBackslashes() {
        assertEquals("my\\ disk\\\\1", Text.escaped("my disk\\1"));
    }
}
