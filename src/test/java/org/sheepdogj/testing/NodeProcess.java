package org.sheepdogj.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.sheepdogj.client.SheepdogConnection;

/**
 * A node in a JVM process of its own, started from the shaded jar as an operator would start it, so that a test can
 * stop it cleanly, kill it with SIGKILL and start it again on the same store.
 */
public final class NodeProcess implements AutoCloseable {
    private final Path store;
    private final int port;
    private final int clusterPort;
    private final int httpPort;
    private final List<String> extraArgs;
    private final Path log;
    private final List<String> jvmOptions = new ArrayList<>();
    private Process process;

    public NodeProcess(Path store, int port, int clusterPort, List<String> extraArgs) {
        this(store, port, clusterPort, 0, extraArgs);
    }

    /** A node whose management HTTP server listens on {@code httpPort} (0: none). */
    public NodeProcess(Path store, int port, int clusterPort, int httpPort, List<String> extraArgs) {
        this.store = store;
        this.port = port;
        this.clusterPort = clusterPort;
        this.httpPort = httpPort;
        this.extraArgs = List.copyOf(extraArgs);
        this.log = logDirectory().resolve(store.getParent().getFileName() + "-" + store.getFileName() + "-" + port
                + ".log");
    }

    /** Node logs outlive the test's temporary directory, for the post-mortem of a failure. */
    private static Path logDirectory() {
        Path dir = Path.of(System.getProperty("sheep.logs", "target/node-logs"));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    public static NodeProcess start(Path store, String... extraArgs) {
        NodeProcess p = new NodeProcess(store, Ports.free(), Ports.free(), List.of(extraArgs));
        p.start();
        return p;
    }

    /** Options for the node's JVM, such as {@code -D} overrides of its configuration, from the next start on. */
    public NodeProcess withJvmOptions(List<String> options) {
        jvmOptions.addAll(options);
        return this;
    }

    public static Path jar() {
        Path jar = Path.of(System.getProperty("sheep.jar", "target/sheep.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": run 'mvn package' first (mvn verify does)");
        }
        return jar;
    }

    /** Starts (or starts again) the node and waits until its sheepdog port accepts connections. */
    public void start() {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar().toString(), "--store", store.toString(), "-p", String.valueOf(port), "-b",
                "127.0.0.1", "--cluster-port", String.valueOf(clusterPort), "--nbd-port", "0", "--http-port",
                String.valueOf(httpPort)));
        cmd.addAll(extraArgs);
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("node exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        throw new IllegalStateException("node did not open port " + port + "; see " + log);
    }

    public int port() {
        return port;
    }

    public int clusterPort() {
        return clusterPort;
    }

    /** The management HTTP port; 0 when the node serves none. */
    public int httpPort() {
        return httpPort;
    }

    public Path log() {
        return log;
    }

    /** The last {@code lines} lines the node logged, for a failure's message. */
    public String logTail(int lines) {
        try {
            List<String> all = logSince(0).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** What the node logged after the first {@code offset} bytes of its log (its size at some earlier moment). */
    public String logSince(long offset) throws IOException {
        byte[] all = Files.readAllBytes(log);
        // decoded with replacement: a line cut in the middle of a character must not hide the others
        return new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
    }

    public SheepdogConnection connect() {
        try {
            return new SheepdogConnection("127.0.0.1", port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: the process gets no chance to flush or clean up anything. */
    public void kill9() {
        process.destroyForcibly();
        waitForExit();
    }

    /** Waits for the process to end by itself (after SHUTDOWN); returns its exit status. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("node still running after " + timeout);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends a signal to the node's process (STOP freezes it, CONT wakes it). */
    public void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    private void waitForExit() {
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitForExit();
            if (process.isAlive()) {
                kill9();
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
