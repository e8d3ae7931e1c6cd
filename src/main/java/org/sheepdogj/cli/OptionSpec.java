package org.sheepdogj.cli;

/** One option of dog ({@code struct sd_option}): its letter, long name, whether it takes a value, its help line. */
record OptionSpec(char letter, String name, boolean hasArg, String help) {
}
