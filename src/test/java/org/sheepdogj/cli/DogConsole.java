package org.sheepdogj.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.sheepdogj.testing.Ports;

/** Runs dog inside the test's JVM, on a terminal of byte buffers, as an operator's shell would run it. */
final class DogConsole {
    private DogConsole() {
    }

    /** What one run of dog wrote and returned. */
    record Result(int status, String out, String err) {
        /**
         * Both streams as one, as the recordings have them: dog's stdout is block buffered when it is not a terminal,
         * so it comes out when dog ends, after everything it wrote to stderr.
         */
        String merged() {
            return err + out;
        }
    }

    /** dog with {@code args}, pointed at {@code port} with {@code -p}, reading {@code stdin}. */
    static Result dog(int port, String stdin, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("-p");
        all.add(Integer.toString(port));
        return run(stdin, Map.of(), all.toArray(new String[0]));
    }

    /** dog with exactly {@code args} and the given environment. */
    static Result run(String stdin, Map<String, String> env, String... args) {
        return run("dog", stdin, env, args);
    }

    /** The CLI under the name it was called by ({@code dog} or {@code collie}). */
    static Result run(String program, String stdin, Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Terminal t = new Terminal(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1)),
                new PrintStream(out, false, StandardCharsets.ISO_8859_1),
                new PrintStream(err, true, StandardCharsets.ISO_8859_1), env, false, false, ZoneOffset.UTC);
        int status = Dog.run(program, args, t);
        return new Result(status, out.toString(StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.ISO_8859_1));
    }

    /**
     * A free loopback port of four digits, as the recorded node's 7000 has: dog pads {@code host:port} to a fixed
     * width, so a port of the same width keeps every column where the recording has it.
     */
    static int fourDigitPort() {
        return Ports.freeFrom(7100, 10_000, 7100 + (int) (Math.random() * 2900));
    }

    /** Removes a test's temporary directory and everything in it. */
    static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port where nothing listens. */
    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
