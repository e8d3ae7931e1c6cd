package org.sheepdogj.cli;

/** dog ends here with this status, as the original's {@code exit()} calls deep inside a command do. */
final class DogExit extends RuntimeException {
    private final int status;

    DogExit(int status) {
        super(null, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
