package org.sheepdogj.cli;

/**
 * dog's progress bar ({@code show_progress}), drawn only on a terminal:
 * {@code " 45.0 % [===============>        ] 180 MB / 400 MB"}, redrawn in place.
 */
final class Progress {
    private static final int DEFAULT_WIDTH = 80;

    private Progress() {
    }

    static void show(Session s, long done, long total, boolean raw) {
        if (!s.term.stdoutIsConsole()) {
            return;
        }
        int width = width(s);
        int barLength = width - 30;
        StringBuilder b = new StringBuilder();
        b.append(String.format("%5s %% [", Text.fixed(100.0 * Text.unsigned(done) / Text.unsigned(total), 1)));
        cut(b, width - 1);
        for (int i = 0; i < barLength; i++) {
            long upper = Long.divideUnsigned(total * (i + 1), barLength);
            long lower = Long.divideUnsigned(total * i, barLength);
            if (Long.compareUnsigned(upper, done) <= 0) {
                b.append('=');
            } else if (Long.compareUnsigned(lower, done) <= 0 && Long.compareUnsigned(done, upper) < 0) {
                b.append('>');
            } else {
                b.append(' ');
            }
        }
        int room = width - b.length() - 1;
        String tail = "] " + Text.size(done, raw) + " / " + Text.size(total, raw);
        b.append(room > 0 ? tail.substring(0, Math.min(room, tail.length())) : "");
        while (b.length() < width) {
            b.append(' ');
        }
        cut(b, width);
        s.out().print("\r" + b);
        if (done == total) {
            s.out().print("\n");
        }
        s.out().flush();
    }

    private static void cut(StringBuilder b, int max) {
        if (b.length() > max) {
            b.setLength(Math.max(0, max));
        }
    }

    /** The terminal's width; Java cannot ask the terminal, so COLUMNS tells it, else 80. */
    private static int width(Session s) {
        String columns = s.term.env().get("COLUMNS");
        return columns != null && Text.isNumeric(columns) && columns.length() < 6 ? Integer.parseInt(columns)
                : DEFAULT_WIDTH;
    }
}
