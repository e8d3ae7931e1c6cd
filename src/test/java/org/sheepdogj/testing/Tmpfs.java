package org.sheepdogj.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A tmpfs of a test's own, a disk it can fill to the last byte with another file. Mounting needs root, or sudo without
 * a password; without either the test is skipped (a failure under CI).
 */
public final class Tmpfs implements AutoCloseable {
    private final Path mountPoint;

    private Tmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** A tmpfs of 48 MiB. */
    public static Tmpfs mount(Path mountPoint) {
        return mount(mountPoint, 48);
    }

    public static Tmpfs mount(Path mountPoint, int mebibytes) {
        try {
            Files.createDirectories(mountPoint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Tools.Run mounted = Tools.run(asRoot("mount", "-t", "tmpfs", "-o", "size=" + mebibytes + "m,mode=1777", "tmpfs",
                mountPoint.toString()));
        if (mounted.status() != 0) {
            Tools.unavailable("cannot mount a tmpfs to fill (needs root, or sudo without a password): "
                    + mounted.output());
        }
        return new Tmpfs(mountPoint);
    }

    public Path path() {
        return mountPoint;
    }

    /** Fills the disk with a file of its own, leaving {@code free} bytes; deleting the file frees the space. */
    public Path fill(long free) throws IOException {
        Path pad = mountPoint.resolve("pad");
        Tools.run("fallocate", "-l", String.valueOf(Files.getFileStore(mountPoint).getUsableSpace() - free),
                pad.toString()).ok();
        return pad;
    }

    @Override
    public void close() {
        Tools.run(asRoot("umount", "-l", mountPoint.toString()));
    }

    /** The command, through {@code sudo -n} unless the test already runs as root (as .ci/run does). */
    private static String[] asRoot(String... command) {
        if ("root".equals(System.getProperty("user.name"))) {
            return command;
        }
        return Stream.concat(Stream.of("sudo", "-n"), Stream.of(command)).toArray(String[]::new);
    }
}
