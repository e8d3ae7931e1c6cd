package org.sheepdogj.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import org.sheepdogj.protocol.Names;
import org.sheepdogj.protocol.NodeId;

/**
 * The administration CLI, command for command, option for option and byte for byte the {@code dog} of sheepdog
 * 1.0.1 ({@code dog/dog.c main()}): the command and subcommand are the first two words, options may follow in any
 * order among the operands, and dog talks to its node through the wire protocol only.
 */
public final class Dog {
    private static final long MAX_PORT = 65535;

    private final Session s;
    private final List<Command> commands;

    private Dog(Session s) {
        this.s = s;
        this.commands = List.of(new VdiCommands(s).command(), new NodeCommands(s).command(),
                new ClusterCommands(s).command(), new UpgradeCommands(s).command(),
                new BenchmarkCommands(s).command());
        s.usage = new Usage(s, commands);
    }

    /** Runs one dog command line on this process's stdin, stdout and stderr; returns the exit status. */
    public static int run(String programName, String[] args) {
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, StandardCharsets.ISO_8859_1);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true,
                StandardCharsets.ISO_8859_1);
        boolean console = System.console() != null;
        Terminal t = new Terminal(System.in, out, err, System.getenv(), console, console, ZoneId.systemDefault());
        int status = runBytes(programName, ArgumentBytes.of(args), t);
        err.flush();
        return status;
    }

    /** Runs one dog command line on the given terminal; returns the exit status (0 to 255). */
    public static int run(String programName, String[] args, Terminal term) {
        return runBytes(programName, ArgumentBytes.asText(args), term);
    }

    /** Runs a command line whose arguments are bytes (ISO-8859-1 strings, see {@link Names}). */
    private static int runBytes(String programName, String[] args, Terminal term) {
        Session s = new Session(term, programName);
        try {
            return new Dog(s).main(args) & 0xff;
        } catch (DogExit e) {
            return e.status() & 0xff;
        } finally {
            s.wire.close();
            term.out().flush();
        }
    }

    private int main(String[] args) {
        long start = System.nanoTime();
        String[] argv = new String[args.length + 1];
        argv[0] = s.program;
        System.arraycopy(args, 0, argv, 1, args.length);
        s.operands(argv, 3);
        if (argv.length < 2) {
            throw s.usage.usage(0);
        }
        Command command = command(argv[1]);
        Subcommand sub = subcommand(command, s.arg(2));
        s.usage.running(sub);
        environment();
        List<OptionSpec> specs = new ArrayList<>();
        for (char c : sub.opts().toCharArray()) {
            specs.add(s.usage.option(sub, c));
        }
        boolean elapsed = false;
        Getopt g = new Getopt(argv, 3, specs, s.term.err());
        for (int c = g.next(); c != Getopt.END; c = g.next()) {
            switch (c) {
                case 'a' -> address(g.optarg());
                case 'p' -> s.target = new NodeId(s.target.addr(), port(g.optarg()), null, 0);
                case 'r' -> s.raw = true;
                case 'v' -> s.verbose = true;
                case 'h' -> throw s.usage.subcommandUsage(ExitCode.SUCCESS);
                case 'T' -> elapsed = true;
                case Getopt.ERROR -> throw s.usage.usage(ExitCode.USAGE);
                default -> command.parser().option((char) c, g.optarg());
            }
        }
        s.operands(g.argv(), g.optind());
        s.highlight = s.term.stdoutIsConsole() && !s.raw;
        if (sub.needs(Subcommand.NEED_NODELIST)) {
            s.loadNodeList();
        }
        if (sub.needs(Subcommand.NEED_ARG) && s.argc() == s.optind) {
            throw s.usage.subcommandUsage(ExitCode.USAGE);
        }
        int ret = sub.action().run();
        if (ret == ExitCode.USAGE) {
            throw s.usage.subcommandUsage(ExitCode.USAGE);
        }
        if (elapsed) {
            s.out().print("\nElapsed time: " + Text.fixed((System.nanoTime() - start) / 1e9, 3) + " seconds\n");
        }
        return ret;
    }

    /** {@code setup_commands}, first half: the command named by the first word. */
    private Command command(String name) {
        for (Command c : commands) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        if (!isHelp(name)) {
            s.err("Invalid command '%s'", name);
            throw s.usage.usage(ExitCode.USAGE);
        }
        throw s.usage.usage(0);
    }

    /** {@code setup_commands}, second half: the subcommand named by the second word, or the list of them. */
    private Subcommand subcommand(Command command, String name) {
        Subcommand sub = name == null ? null : command.find(name);
        if (sub != null) {
            return sub;
        }
        if (name != null && !isHelp(name)) {
            s.err("Invalid command '%s %s'", command.name(), name);
        }
        s.err("Available %s commands:", command.name());
        for (Subcommand c : command.listed()) {
            s.err("  %s %s", command.name(), c.name());
        }
        throw s.exit(ExitCode.USAGE);
    }

    private static boolean isHelp(String word) {
        return word.equals("help") || word.equals("--help") || word.equals("-h");
    }

    /** SHEEPDOG_DOG_ADDR and SHEEPDOG_DOG_PORT, which the options may override. */
    private void environment() {
        String addr = s.term.env().get("SHEEPDOG_DOG_ADDR");
        if (addr != null) {
            address(addr);
        }
        String port = s.term.env().get("SHEEPDOG_DOG_PORT");
        if (port != null) {
            s.target = new NodeId(s.target.addr(), port(port), null, 0);
        }
    }

    /** {@code str_to_addr}; dog ends (failure) when the name does not resolve. */
    private void address(String host) {
        try {
            if (host.isEmpty()) {
                throw new IllegalArgumentException("empty address");
            }
            s.target = new NodeId(NodeId.addressBytes(host), s.target.port(), null, 0);
        } catch (IllegalArgumentException e) {
            s.err("Invalid ip address %s", host);
            throw s.exit(ExitCode.FAILURE);
        }
    }

    /** A port number as dog accepts one: digits only, 1 to 65535. */
    private int port(String text) {
        String digits = Text.isNumeric(text) ? text.replaceFirst("^0+(?=.)", "") : "";
        long value = !digits.isEmpty() && digits.length() <= 5 ? Long.parseLong(digits) : 0;
        if (value < 1 || value > MAX_PORT) {
            s.err("Invalid port number '%s'", text);
            throw s.exit(ExitCode.USAGE);
        }
        return (int) value;
    }
}
