package org.sheepdogj.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * External programs a test drives (qemu-img, nbdinfo, chromium...). A missing one skips the test with a clear
 * message, except under CI ({@code CI=true}), where it fails: CI installs them, so their absence is a defect.
 */
public final class Tools {
    private Tools() {
    }

    /** The program's path; skips (or, under CI, fails) the test if it is not installed. */
    public static String require(String program, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        unavailable(program + " is not installed (Debian package " + debianPackage + "; .ci/run installs it)");
        return program;
    }

    /** Skips the test for {@code why} (something it needs is missing), or, under CI, fails it. */
    public static void unavailable(String why) {
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(why);
        }
        Assumptions.abort(why);
    }

    /** What a finished program said and how it ended. */
    public record Run(int status, String output) {
        public Run ok() {
            assertTrue(status == 0, "exit status " + status + ":\n" + output);
            return this;
        }
    }

    public static Run run(String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("still running after 5 minutes: " + String.join(" ", command));
            }
            return new Run(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Run run(List<String> command) {
        return run(new ArrayList<>(command).toArray(new String[0]));
    }
}
