package org.sheepdogj.node;

import picocli.CommandLine.IVersionProvider;

/** The version printed by {@code -v}: the jar's implementation version. */
public final class Version implements IVersionProvider {
    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"sheepdog-j " + current() + " (sheepdog protocol 1.0)"};
    }
}
