package org.sheepdogj.cli;

/**
 * The few dog commands this CLI does not carry out: they work on a sheep's local files in the original's own
 * formats ({@code cluster snapshot}'s farm, {@code upgrade}) or measure the original's I/O ({@code benchmark}).
 * They are listed and parsed as in dog, and fail plainly when run.
 */
final class Unsupported {
    private Unsupported() {
    }

    static int report(Session s, String command) {
        s.err("'%s %s' is not supported by this dog", s.program, command);
        return ExitCode.FAILURE;
    }
}
