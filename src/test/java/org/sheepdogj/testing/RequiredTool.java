package org.sheepdogj.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/**
 * A program a test drives. On a developer's machine without it the test is skipped; under CI ({@code CI=true}, set by
 * {@code .ci/run}, which installs every such program) its absence fails the test, so that CI never passes by
 * skipping.
 */
public final class RequiredTool {
    private RequiredTool() {
    }

    public static <T> T require(String name, Optional<T> found) {
        if (found.isEmpty()) {
            String why = name + " is not installed (Debian package '" + name + "')";
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            Assumptions.abort(why);
        }
        return found.get();
    }
}
