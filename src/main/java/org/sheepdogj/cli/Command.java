package org.sheepdogj.cli;

import java.util.List;

/** A command of dog ({@code vdi}, {@code node}, ...): its subcommands and what its own options set. */
record Command(String name, List<Subcommand> subs, OptionParser parser) {

    /** Takes one of the command's own options as getopt hands it over. */
    interface OptionParser {
        void option(char letter, String value);
    }

    /** The subcommands the help texts name. */
    List<Subcommand> listed() {
        return subs.stream().filter(s -> !s.needs(Subcommand.UNLISTED)).toList();
    }

    Subcommand find(String subName) {
        for (Subcommand s : subs) {
            if (s.name().equals(subName)) {
                return s;
            }
        }
        return null;
    }
}
