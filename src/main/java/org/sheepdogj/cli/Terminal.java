package org.sheepdogj.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.time.ZoneId;
import java.util.Map;

/**
 * Where a dog run reads and writes, and what it knows of its surroundings: the environment (SHEEPDOG_DOG_ADDR,
 * SHEEPDOG_DOG_PORT), whether stdout and stdin are terminals (highlighting, progress bars, {@code stdin must be
 * pipe}) and the local time zone. Text goes out as ISO-8859-1 so that VDI names, which are bytes, come out unchanged.
 */
public record Terminal(InputStream in, PrintStream out, PrintStream err, Map<String, String> env,
                       boolean stdoutIsConsole, boolean stdinIsConsole, ZoneId zone) {
}
