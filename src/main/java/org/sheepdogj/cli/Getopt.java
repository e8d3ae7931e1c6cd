package org.sheepdogj.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * GNU {@code getopt_long} as dog calls it: options may come anywhere among the arguments (the arguments are permuted
 * so that, at the end, the operands follow the options from {@link #optind()}), short options may be grouped,
 * long options may be abbreviated to any unique prefix, {@code --} ends the options. Mistakes are reported with
 * glibc's messages and answered with {@code '?'}.
 */
final class Getopt {
    static final int END = -1;
    static final int ERROR = '?';

    private final String program;
    private final String[] argv;
    private final List<OptionSpec> options;
    private final PrintStream err;
    private int optind;
    private String nextchar = "";
    private int firstNonopt;
    private int lastNonopt;
    private String optarg;

    /** {@code argv[0]} is the program's name, as in C; parsing starts at {@code start}. */
    Getopt(String[] argv, int start, List<OptionSpec> options, PrintStream err) {
        this.program = argv[0];
        this.argv = argv;
        this.options = options;
        this.err = err;
        this.optind = start;
        this.firstNonopt = start;
        this.lastNonopt = start;
    }

    int optind() {
        return optind;
    }

    String optarg() {
        return optarg;
    }

    /** The arguments as permuted so far. */
    String[] argv() {
        return argv;
    }

    /** The next option's letter, {@link #ERROR} for a mistake, {@link #END} when the options are over. */
    int next() {
        optarg = null;
        if (nextchar.isEmpty()) {
            int stop = scanToNextOption();
            if (stop != 0) {
                return END;
            }
            if (argv[optind].startsWith("--")) {
                return longOption(argv[optind].substring(2));
            }
            nextchar = argv[optind].substring(1);
        }
        return shortOption();
    }

    /** Moves the operands met so far behind the options; non-zero when no option is left. */
    private int scanToNextOption() {
        if (lastNonopt > optind) {
            lastNonopt = optind;
        }
        if (firstNonopt > optind) {
            firstNonopt = optind;
        }
        if (firstNonopt != lastNonopt && lastNonopt != optind) {
            exchange();
        } else if (lastNonopt != optind) {
            firstNonopt = optind;
        }
        while (optind < argv.length && isOperand(argv[optind])) {
            optind++;
        }
        lastNonopt = optind;
        if (optind != argv.length && argv[optind].equals("--")) {
            optind++;
            if (firstNonopt != lastNonopt && lastNonopt != optind) {
                exchange();
            } else if (firstNonopt == lastNonopt) {
                firstNonopt = optind;
            }
            lastNonopt = argv.length;
            optind = argv.length;
        }
        if (optind == argv.length) {
            if (firstNonopt != lastNonopt) {
                optind = firstNonopt;
            }
            return 1;
        }
        return 0;
    }

    private static boolean isOperand(String arg) {
        return arg.length() < 2 || arg.charAt(0) != '-';
    }

    /** Swaps the operands [firstNonopt, lastNonopt) with the options [lastNonopt, optind) after them. */
    private void exchange() {
        List<String> moved = new ArrayList<>();
        for (int i = lastNonopt; i < optind; i++) {
            moved.add(argv[i]);
        }
        for (int i = firstNonopt; i < lastNonopt; i++) {
            moved.add(argv[i]);
        }
        for (int i = 0; i < moved.size(); i++) {
            argv[firstNonopt + i] = moved.get(i);
        }
        firstNonopt += optind - lastNonopt;
        lastNonopt = optind;
    }

    private int shortOption() {
        char c = nextchar.charAt(0);
        nextchar = nextchar.substring(1);
        if (nextchar.isEmpty()) {
            optind++;
        }
        OptionSpec spec = byLetter(c);
        if (spec == null) {
            err.printf("%s: invalid option -- '%c'\n", program, c);
            return ERROR;
        }
        if (spec.hasArg()) {
            if (!nextchar.isEmpty()) {
                optarg = nextchar;
                optind++;
            } else if (optind == argv.length) {
                err.printf("%s: option requires an argument -- '%c'\n", program, c);
                return ERROR;
            } else {
                optarg = argv[optind++];
            }
            nextchar = "";
        }
        return c;
    }

    private int longOption(String text) {
        int eq = text.indexOf('=');
        String name = eq < 0 ? text : text.substring(0, eq);
        OptionSpec found = null;
        List<OptionSpec> prefixed = new ArrayList<>();
        for (OptionSpec o : options) {
            if (o.name().equals(name)) {
                found = o;
                break;
            }
            if (o.name().startsWith(name)) {
                prefixed.add(o);
            }
        }
        if (found == null && prefixed.size() > 1) {
            StringBuilder b = new StringBuilder();
            b.append(program).append(": option '--").append(name).append("' is ambiguous; possibilities:");
            for (OptionSpec o : prefixed) {
                b.append(" '--").append(o.name()).append('\'');
            }
            err.print(b.append('\n'));
            optind++;
            return ERROR;
        }
        if (found == null && prefixed.size() == 1) {
            found = prefixed.get(0);
        }
        if (found == null) {
            err.printf("%s: unrecognized option '--%s'\n", program, text);
            optind++;
            return ERROR;
        }
        optind++;
        if (eq >= 0) {
            if (!found.hasArg()) {
                err.printf("%s: option '--%s' doesn't allow an argument\n", program, found.name());
                return ERROR;
            }
            optarg = text.substring(eq + 1);
        } else if (found.hasArg()) {
            if (optind == argv.length) {
                err.printf("%s: option '--%s' requires an argument\n", program, found.name());
                return ERROR;
            }
            optarg = argv[optind++];
        }
        return found.letter();
    }

    private OptionSpec byLetter(char c) {
        for (OptionSpec o : options) {
            if (o.letter() == c) {
                return o;
            }
        }
        return null;
    }
}
