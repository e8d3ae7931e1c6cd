package org.sheepdogj.cli;

/** dog's exit statuses ({@code include/exits.h}). */
final class ExitCode {
    static final int SUCCESS = 0;
    static final int FAILURE = 1;
    static final int SYSFAIL = 2;
    static final int EXISTS = 3;
    static final int FULL = 4;
    static final int MISSING = 5;
    static final int USAGE = 64;

    private ExitCode() {
    }
}
