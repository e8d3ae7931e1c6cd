package org.sheepdogj.cli;

import java.util.List;

/**
 * One entry of dog's command tables ({@code struct subcommand}): the name, the operands shown in the usage, the
 * letters of the options it accepts, its description, nested subcommands, what it needs before it runs, and what it
 * does. {@code options} are the group's own options, looked up after the common ones.
 */
record Subcommand(String name, String arg, String opts, String desc, List<Subcommand> subs, int flags,
                  Action action, List<OptionSpec> options) {
    /** Needs the node list (and the ring) before it runs. */
    static final int NEED_NODELIST = 1;
    /** Needs at least one operand. */
    static final int NEED_ARG = 1 << 1;
    /** Meant for root; dog only enforces it on nested subcommands. */
    static final int NEED_ROOT = 1 << 2;
    /** Runs but is left out of the lists of commands, which stay dog 1.0.1's (sheepdog 0.9's object cache). */
    static final int UNLISTED = 1 << 3;

    /** What a subcommand does: returns the exit status. */
    interface Action {
        int run();
    }

    boolean needs(int flag) {
        return (flags & flag) != 0;
    }
}
