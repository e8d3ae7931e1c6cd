package org.sheepdogj.node;

import java.util.List;
import java.util.Locale;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;

/** sheep's log levels (0 emerg .. 7 debug, or their names) on Logback's levels of the node's loggers. */
public final class LogLevels {
    public static final List<String> NAMES = List.of("emerg", "alert", "crit", "err", "warning", "notice", "info",
            "debug");

    private LogLevels() {
    }

    /** The sheep level of a number or name; -1 if it is neither. */
    public static int parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.matches("\\d")) {
            int n = Integer.parseInt(t);
            return n < NAMES.size() ? n : -1;
        }
        return switch (t) {
            case "error" -> 3;
            case "warn" -> 4;
            default -> NAMES.indexOf(t);
        };
    }

    public static void apply(int sheepLevel) {
        Level level = sheepLevel <= 3 ? Level.ERROR : sheepLevel == 4 ? Level.WARN
                : sheepLevel <= 6 ? Level.INFO : Level.DEBUG;
        ((Logger) LoggerFactory.getLogger("org.sheepdogj")).setLevel(level);
    }

    public static int current() {
        Level l = ((Logger) LoggerFactory.getLogger("org.sheepdogj")).getEffectiveLevel();
        if (l.isGreaterOrEqual(Level.ERROR)) {
            return 3;
        }
        if (l.isGreaterOrEqual(Level.WARN)) {
            return 4;
        }
        if (l.isGreaterOrEqual(Level.INFO)) {
            return 6;
        }
        return 7;
    }
}
