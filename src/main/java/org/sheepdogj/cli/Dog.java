package org.sheepdogj.cli;

/** The administration CLI, command compatible with sheepdog 1.0's dog. */
public final class Dog {
    private Dog() {
    }

    /** Runs one dog command line; returns the exit status. */
    public static int run(String programName, String[] args) {
        System.err.println(programName + ": not available yet");
        return 1;
    }
}
