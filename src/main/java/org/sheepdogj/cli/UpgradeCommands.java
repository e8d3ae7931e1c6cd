package org.sheepdogj.cli;

import java.util.List;

/** {@code dog upgrade ...}: listed, with its options, but not carried out (see {@link Unsupported}). */
final class UpgradeCommands {
    private static final List<OptionSpec> OPTIONS = List.of(
            new OptionSpec('o', "orig-version", true, "version of converting file"));

    private final Session s;

    UpgradeCommands(Session s) {
        this.s = s;
    }

    Command command() {
        Subcommand.Action none = () -> Unsupported.report(s, "upgrade");
        int arg = Subcommand.NEED_ARG;
        List<Subcommand> table = List.of(
                new Subcommand("inode-convert", "<path of original inode file> <path of new inode file>", "hTo",
                        "upgrade inode object file", null, arg, none, OPTIONS),
                new Subcommand("epoch-convert", "<path of original epoch log file> <path of new epoch log file>",
                        "hTo", "upgrade epoch log file", null, arg, none, OPTIONS),
                new Subcommand("config-convert", "<path of original config file> <path of new config file>", "hT",
                        "upgrade config file", null, arg, none, OPTIONS),
                new Subcommand("object-location", "<path of latest epoch file> <oid>", "hT", "print object location",
                        null, arg, none, OPTIONS));
        return new Command("upgrade", table, this::option);
    }

    /** {@code upgrade_parser}: only the versions dog could convert from are accepted. */
    private void option(char letter, String value) {
        if (letter == 'o' && !value.equals("v0.7") && !value.equals("v0.8")) {
            s.err("unknown original version: %s", value);
            s.err("valid versions are v0.7 or v0.8");
            throw s.exit(ExitCode.FAILURE);
        }
    }
}
