package org.sheepdogj.cli;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Numbers read from the command line the way dog's C reads them ({@code strtol}, {@code strtoull}, {@code strtod},
 * {@code atoi}, {@code option_parse_size}, {@code parse_copy}), leniency and wrap-arounds included, so that the
 * same arguments mean the same thing.
 */
final class CNumbers {
    /** {@code SD_MAX_COPIES}. */
    static final int MAX_COPIES = 31;
    /** {@code SD_EC_MAX_STRIP}. */
    private static final int EC_MAX_STRIP = 16;
    private static final Pattern DECIMAL_FLOAT =
            Pattern.compile("^\\s*([+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?)");
    private static final Pattern HEX_FLOAT =
            Pattern.compile("^\\s*([+-]?)0[xX]([0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)([pP][+-]?\\d+)?");
    private static final Pattern SPECIAL_FLOAT = Pattern.compile("^\\s*([+-]?)(infinity|inf|nan)",
            Pattern.CASE_INSENSITIVE);

    private CNumbers() {
    }

    /** What {@code strtol} and friends found: the value, where parsing stopped, whether it was out of range. */
    record Parsed(long value, int end, boolean overflow) {
        boolean none() {
            return end == 0;
        }
    }

    /** {@code strtol}/{@code strtoull}: optional blanks and sign, digits of the base (hex may start with 0x). */
    static Parsed strtol(String s, int base, boolean unsigned) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        if (base == 16 && i + 2 < s.length() && s.charAt(i) == '0' && (s.charAt(i + 1) | 0x20) == 'x'
                && Character.digit(s.charAt(i + 2), 16) >= 0) {
            i += 2;
        }
        int digitsStart = i;
        BigInteger v = BigInteger.ZERO;
        while (i < s.length() && Character.digit(s.charAt(i), base) >= 0) {
            v = v.multiply(BigInteger.valueOf(base)).add(BigInteger.valueOf(Character.digit(s.charAt(i), base)));
            i++;
        }
        if (i == digitsStart) {
            return new Parsed(0, 0, false);
        }
        BigInteger max = unsigned ? BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE)
                : BigInteger.valueOf(Long.MAX_VALUE);
        boolean overflow = v.compareTo(max) > 0;
        long value;
        if (overflow) {
            value = unsigned ? -1L : (negative ? Long.MIN_VALUE : Long.MAX_VALUE);
        } else {
            value = negative ? v.negate().longValue() : v.longValue();
        }
        return new Parsed(value, i, overflow);
    }

    /** {@code atoi}: {@code strtol} in base 10, 0 when nothing parses, truncated to an int. */
    static int atoi(String s) {
        return (int) strtol(s, 10, false).value();
    }

    /** {@code strtod}: the value and where parsing stopped (0 when no number starts the text). */
    static double[] strtod(String s) {
        Matcher m = SPECIAL_FLOAT.matcher(s);
        if (m.find()) {
            boolean neg = m.group(1).equals("-");
            double v = m.group(2).equalsIgnoreCase("nan") ? Double.NaN : Double.POSITIVE_INFINITY;
            return new double[] {neg ? -v : v, m.end()};
        }
        m = HEX_FLOAT.matcher(s);
        if (m.find()) {
            String exp = m.group(3) == null ? "p0" : m.group(3);
            String mantissa = m.group(2).contains(".") ? m.group(2) : m.group(2) + ".";
            double v = Double.parseDouble("0x" + mantissa + exp);
            return new double[] {m.group(1).equals("-") ? -v : v, m.end()};
        }
        m = DECIMAL_FLOAT.matcher(s);
        if (m.find()) {
            return new double[] {Double.parseDouble(m.group(1)), m.end()};
        }
        return new double[] {0, 0};
    }

    /**
     * {@code option_parse_size}: a number with an optional B, K, M, G, T or P suffix; null (reported) when the
     * text is not one.
     */
    static Long size(Session s, String text) {
        double[] d = strtod(text);
        String suffix = text.substring((int) d[1]);
        double size = d[0];
        if (suffix.length() <= 1) {
            char c = suffix.isEmpty() ? 'B' : Character.toUpperCase(suffix.charAt(0));
            int shift = "BKMGTP".indexOf(c);
            if (shift >= 0) {
                return toUnsigned(size * Math.pow(1024, shift));
            }
        }
        s.err("Invalid size '%s'", text);
        s.err("You may use B, K, M, G, T or P suffixes for bytes, kilobytes, megabytes, gigabytes, terabytes and"
                + " petabytes.");
        return null;
    }

    /** A double cast to {@code uint64_t} as x86-64 does it. */
    static long toUnsigned(double d) {
        if (Double.isNaN(d)) {
            return Long.MIN_VALUE;
        }
        if (d >= 0x1p63) {
            return d >= 0x1p64 ? Long.MIN_VALUE : ((long) (d - 0x1p63)) ^ Long.MIN_VALUE;
        }
        return d < -0x1p63 ? Long.MIN_VALUE : (long) d;
    }

    /**
     * {@code parse_copy}: {@code N} copies (1 to 31), or {@code D:P} erasure coding (D of 2, 4, 8, 16; P of 1 to
     * 15). Returns the number of copies (data + parity) and the policy, or copies 0 when the text is not valid.
     */
    static int[] copies(String text) {
        List<String> tokens = new ArrayList<>();
        for (String t : text.split(":")) {
            if (!t.isEmpty()) {
                tokens.add(t);
            }
        }
        String n1 = tokens.isEmpty() ? null : tokens.get(0);
        String n2 = tokens.size() > 1 ? tokens.get(1) : null;
        if (n1 == null || !Text.isNumeric(n1) || (n2 != null && !Text.isNumeric(n2))) {
            return new int[] {0, 0};
        }
        int copy = (int) (strtol(n1, 10, false).value() & 0xff);
        if (copy > MAX_COPIES) {
            return new int[] {0, 0};
        }
        if (n2 == null) {
            return new int[] {copy, 0};
        }
        if (copy != 2 && copy != 4 && copy != 8 && copy != 16) {
            return new int[] {0, 0};
        }
        int parity = (int) (strtol(n2, 10, false).value() & 0xff);
        if (parity >= EC_MAX_STRIP || parity == 0) {
            return new int[] {0, 0};
        }
        return new int[] {(copy + parity) & 0xff, ((copy / 2) << 4) + parity};
    }

    /** The error dog prints for a bad {@code -c}. */
    static String copiesHelp(String text) {
        return "Invalid parameter " + text + "\n"
                + "To create replicated vdi, set -c x\n"
                + "  x(1 to " + MAX_COPIES + ")   - number of replicated copies\n"
                + "To create erasure coded vdi, set -c x:y\n"
                + "  x(2,4,8,16)  - number of data strips\n"
                + "  y(1 to 15)   - number of parity strips";
    }

    /** {@code ec_policy_to_dp}: data and parity strips of an erasure-coding policy. */
    static int[] dataAndParity(int policy) {
        int p = policy & 0x0f;
        int d = (policy >> 4) * 2;
        return new int[] {d, p};
    }
}
