package org.sheepdogj.cli;

import java.util.List;

/** {@code dog benchmark io}: listed, with its options, but not carried out (see {@link Unsupported}). */
final class BenchmarkCommands {
    private static final List<OptionSpec> OPTIONS = List.of(
            new OptionSpec('w', "workqueue", true, "specify workqueue type"),
            new OptionSpec('f', "force", false, "do not prompt for confirmation"),
            new OptionSpec('t', "total", true, "a number of total operation (e.g. I/O request)"),
            new OptionSpec('n', "nr-threads", true, "a number of worker threads (only used for fixed workqueue)"));

    private final Session s;

    BenchmarkCommands(Session s) {
        this.s = s;
    }

    Command command() {
        List<Subcommand> table = List.of(new Subcommand("io", "<vdiname>", "aprhTfwtn", "benchmark I/O performance",
                null, Subcommand.NEED_NODELIST | Subcommand.NEED_ARG, () -> Unsupported.report(s, "benchmark io"),
                OPTIONS));
        return new Command("benchmark", table, (letter, value) -> {
        });
    }
}
