package org.sheepdogj.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** dog's help texts ({@code usage}, {@code subcommand_usage}) and the lookup of option letters ({@code find_opt}). */
final class Usage {
    static final String VERSION = "1.0.1";

    /** The options every subcommand may take. */
    static final List<OptionSpec> COMMON = List.of(
            new OptionSpec('a', "address", true, "specify the daemon address (default: localhost)"),
            new OptionSpec('p', "port", true, "specify the daemon port"),
            new OptionSpec('r', "raw", false, "raw output mode: omit headers, separate fields with\n"
                    + "                          single spaces and print all sizes in decimal bytes"),
            new OptionSpec('v', "verbose", false, "print more information than default"),
            new OptionSpec('h', "help", false, "display this help and exit"),
            new OptionSpec('T', "time", false, "show elapsed time"));

    private final Session s;
    private final List<Command> commands;
    /** The subcommand named on the command line. */
    private Subcommand top;
    /** The subcommands entered by {@link #dispatch}, outermost first ({@code subcmd_stack}). */
    private final List<Subcommand> nested = new ArrayList<>();

    Usage(Session s, List<Command> commands) {
        this.s = s;
        this.commands = commands;
    }

    /** {@code usage}: the list of every command on stdout, or a hint on stderr; then exits. */
    DogExit usage(int status) {
        if (status != 0) {
            s.err("Try '%s --help' for more information.", s.program);
            return s.exit(status);
        }
        PrintStream out = s.out();
        out.print("Sheepdog administrator utility (version " + VERSION + ")\n");
        out.print("Usage: " + s.program + " <command> <subcommand> [options]\n");
        out.print("\nAvailable commands:\n");
        for (Command c : commands) {
            for (Subcommand sub : c.listed()) {
                out.print(String.format("  %-24s%s\n", c.name() + " " + sub.name(), sub.desc()));
            }
        }
        out.print("\n");
        out.print("For more information, run '" + s.program + " <command> <subcommand> --help'.\n");
        return s.exit(0);
    }

    void running(Subcommand sub) {
        top = sub;
    }

    /** {@code subcommand_usage}: the options and operands of the subcommand being run, then exits. */
    DogExit subcommandUsage(int status) {
        PrintStream out = s.out();
        StringBuilder b = new StringBuilder();
        b.append("Usage: ").append(s.program).append(' ').append(s.arg(1)).append(' ').append(s.arg(2));
        List<Subcommand> subsub = top.subs();
        if (!nested.isEmpty()) {
            nested.forEach(n -> b.append(' ').append(n.name()));
            subsub = nested.get(nested.size() - 1).subs();
        }
        if (subsub != null && subsub.size() == 1) {
            b.append(' ').append(subsub.get(0).name());
        } else if (subsub != null && subsub.size() > 1) {
            b.append(" {").append(String.join("|", subsub.stream().map(Subcommand::name).toList())).append('}');
        }
        for (char c : top.opts().toCharArray()) {
            OptionSpec o = option(top, c);
            b.append(o.hasArg() ? " [-" + c + " " + o.name() + "]" : " [-" + c + "]");
        }
        if (top.arg() != null) {
            b.append(' ').append(top.arg());
        }
        b.append('\n');
        if (subsub != null) {
            b.append("Available subcommands:\n");
            subsub.forEach(n -> b.append(String.format("  %-24s%s\n", n.name(), n.desc())));
        }
        b.append("Options:\n");
        for (char c : top.opts().toCharArray()) {
            OptionSpec o = option(top, c);
            b.append(String.format("  %-24s%s\n", "-" + c + ", --" + o.name(), o.help()));
        }
        out.print(b);
        return s.exit(status);
    }

    /** {@code find_opt}: a common option, else one of the subcommand's own. */
    OptionSpec option(Subcommand sub, char letter) {
        for (OptionSpec o : COMMON) {
            if (o.letter() == letter) {
                return o;
            }
        }
        if (sub.options() != null) {
            for (OptionSpec o : sub.options()) {
                if (o.letter() == letter) {
                    return o;
                }
            }
        }
        s.err("Internal error");
        throw s.exit(ExitCode.SYSFAIL);
    }

    /** {@code do_generic_subcommand}: runs the nested subcommand named by the next operand. */
    int dispatch(List<Subcommand> subs) {
        String name = s.arg(s.optind);
        for (Subcommand sub : subs) {
            if (!sub.name().equals(name)) {
                continue;
            }
            nested.add(sub);
            if (sub.needs(Subcommand.NEED_NODELIST)) {
                s.loadNodeList();
            }
            s.optind++;
            if (sub.needs(Subcommand.NEED_ARG) && (s.argc() == s.optind || s.arg(s.optind).isEmpty())) {
                throw subcommandUsage(ExitCode.USAGE);
            }
            int ret = sub.action().run();
            if (ret == ExitCode.USAGE) {
                throw subcommandUsage(ExitCode.USAGE);
            }
            return ret;
        }
        throw subcommandUsage(ExitCode.FAILURE);
    }
}
