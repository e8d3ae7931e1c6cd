package org.sheepdogj.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.sheepdogj.protocol.NodeId;

/** The ways dog writes numbers, times and addresses ({@code strnumber}, {@code strftime}, {@code addr_to_str}). */
final class Text {
    private static final String[] UNITS = {"MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};

    private Text() {
    }

    /** {@code strnumber_raw}: bytes as decimal when raw, else in MB and up with one decimal below 10. */
    static String size(long bytes, boolean raw) {
        if (raw) {
            return Long.toUnsignedString(bytes);
        }
        double size = unsigned(bytes) / (1024 * 1024);
        int unit = 0;
        while (unit < UNITS.length - 1 && size >= 1024) {
            unit++;
            size /= 1024;
        }
        return fixed(size, size >= 10 ? 0 : 1) + " " + UNITS[unit];
    }

    /** A double as {@code printf("%.Nf")} prints it: the exact binary value rounded half to even, as glibc does. */
    static String fixed(double value, int decimals) {
        if (Double.isNaN(value)) {
            return "-nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        return new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }

    static double unsigned(long v) {
        double d = (double) (v & Long.MAX_VALUE);
        return v < 0 ? d + 0x1p63 : d;
    }

    /** {@code strftime(..., "%Y-%m-%d %H:%M")} of a time_t in local time. */
    static String minutes(long epochSecond, ZoneId zone) {
        ZonedDateTime t = local(epochSecond, zone);
        return String.format("%d-%02d-%02d %02d:%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute());
    }

    /** {@code strftime(..., "%Y-%m-%d %H:%M:%S")}. */
    static String seconds(long epochSecond, ZoneId zone) {
        return minutes(epochSecond, zone) + String.format(":%02d", local(epochSecond, zone).getSecond());
    }

    /** C's {@code ctime()}: {@code "Tue Nov 24 16:51:06 2026\n"}. */
    static String ctime(long epochSecond, ZoneId zone) {
        ZonedDateTime t = local(epochSecond, zone);
        return String.format("%s %s%3d %02d:%02d:%02d %d\n", DAYS[t.getDayOfWeek().getValue() - 1],
                MONTHS[t.getMonthValue() - 1], t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(),
                t.getYear());
    }

    private static ZonedDateTime local(long epochSecond, ZoneId zone) {
        return Instant.ofEpochSecond(epochSecond).atZone(zone);
    }

    /** {@code addr_to_str}: an IPv4 address when the first twelve bytes are zero and the 13th is not, else IPv6. */
    static String address(byte[] addr) {
        if (isIpv4(addr)) {
            return (addr[12] & 0xff) + "." + (addr[13] & 0xff) + "." + (addr[14] & 0xff) + "." + (addr[15] & 0xff);
        }
        return ipv6(addr);
    }

    /** {@code addr_to_str} with a port: {@code host:port}. */
    static String address(byte[] addr, int port) {
        return port == 0 ? address(addr) : address(addr) + ":" + port;
    }

    /** {@code addr_to_str} of a node: {@code host:port}. */
    static String address(NodeId nid) {
        return address(nid.addr(), nid.port());
    }

    static boolean isIpv4(byte[] addr) {
        if (addr[12] == 0) {
            return false;
        }
        for (int i = 0; i < 12; i++) {
            if (addr[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** {@code inet_ntop(AF_INET6)}: the longest run of two or more zero groups becomes {@code ::}. */
    private static String ipv6(byte[] addr) {
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((addr[2 * i] & 0xff) << 8) | (addr[2 * i + 1] & 0xff);
        }
        int bestBase = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestBase = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestBase) {
                b.append(':');
                i += bestLen - 1;
                if (i == 7) {
                    b.append(':');
                }
                continue;
            }
            if (i != 0) {
                b.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && words[5] == 0xffff))) {
                b.append(addr[12] & 0xff).append('.').append(addr[13] & 0xff).append('.').append(addr[14] & 0xff)
                        .append('.').append(addr[15] & 0xff);
                break;
            }
            b.append(Integer.toHexString(words[i]));
        }
        return b.toString();
    }

    /** {@code node_id_to_str}: {@code "IPv4 ip:127.0.0.1 port:7000"}. */
    static String nodeId(byte[] addr, int port) {
        return (isIpv4(addr) ? "IPv4" : "IPv6") + " ip:" + address(addr) + " port:" + port;
    }

    /** A name as {@code vdi list -r} writes it: each white space and backslash preceded by a backslash. */
    static String escaped(String name) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == ' ' || (c >= '\t' && c <= '\r') || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    /** {@code is_numeric}: one or more decimal digits and nothing else. */
    static boolean isNumeric(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
