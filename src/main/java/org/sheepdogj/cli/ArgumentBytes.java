package org.sheepdogj.cli;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.sheepdogj.protocol.Names;

/**
 * The command line as the bytes the shell passed. dog's VDI names, tags and keys are bytes; Java decodes its
 * arguments with the locale's encoding, which cannot give back bytes that are not text in it. Linux keeps the bytes in
 * {@code /proc/self/cmdline}: the last arguments there are dog's. Elsewhere, or if they do not match, the arguments are
 * taken as the locale's text.
 */
final class ArgumentBytes {
    private static final Path CMDLINE = Path.of("/proc/self/cmdline");

    private ArgumentBytes() {
    }

    /** The arguments as ISO-8859-1 strings whose chars are the bytes (see {@link Names}). */
    static String[] of(String[] args) {
        List<byte[]> raw = cmdline();
        if (raw.size() >= args.length) {
            Charset locale = Charset.forName(System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name()));
            List<byte[]> ours = raw.subList(raw.size() - args.length, raw.size());
            String[] out = new String[args.length];
            for (int i = 0; i < args.length; i++) {
                if (!new String(ours.get(i), locale).equals(args[i])) {
                    return asText(args);
                }
                out[i] = new String(ours.get(i), StandardCharsets.ISO_8859_1);
            }
            return out;
        }
        return asText(args);
    }

    /** The arguments as text a person typed, UTF-8 on today's systems. */
    static String[] asText(String[] args) {
        return Arrays.stream(args).map(Names::fromUserText).toArray(String[]::new);
    }

    private static List<byte[]> cmdline() {
        List<byte[]> parts = new ArrayList<>();
        try {
            byte[] all = Files.readAllBytes(CMDLINE);
            int start = 0;
            for (int i = 0; i < all.length; i++) {
                if (all[i] == 0) {
                    parts.add(Arrays.copyOfRange(all, start, i));
                    start = i + 1;
                }
            }
        } catch (IOException | UnsupportedOperationException e) {
            parts.clear();
        }
        return parts;
    }
}
