package org.sheepdogj;

import java.util.Arrays;

import org.sheepdogj.cli.Dog;
import org.sheepdogj.node.NodeOptions;
import org.sheepdogj.node.NodeSettings;
import org.sheepdogj.node.SheepNode;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import picocli.CommandLine;

/**
 * {@code java -jar sheep.jar [options] [STORE_DIR]} runs a node; {@code java -jar sheep.jar dog ...} (or
 * {@code collie ...}) runs the administration CLI.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && ("dog".equals(args[0]) || "collie".equals(args[0]))) {
            System.exit(Dog.run(args[0], Arrays.copyOfRange(args, 1, args.length)));
        }
        System.exit(runNode(args));
    }

    static int runNode(String[] args) {
        NodeOptions options = new NodeOptions();
        CommandLine cmd = new CommandLine(options);
        Config flags;
        try {
            CommandLine.ParseResult parsed = cmd.parseArgs(args);
            if (cmd.isUsageHelpRequested()) {
                cmd.usage(System.out);
                return 0;
            }
            if (cmd.isVersionHelpRequested()) {
                cmd.printVersionHelp(System.out);
                return 0;
            }
            flags = options.call();
            if (parsed.errors().size() > 0) {
                throw parsed.errors().get(0);
            }
        } catch (Exception e) {
            System.err.println("sheep: " + e.getMessage());
            return 2;
        }
        Config config = flags.withFallback(ConfigFactory.load()).resolve();
        SheepNode node;
        try {
            node = SheepNode.start(NodeSettings.from(config), config);
        } catch (SheepNode.StartupException e) {
            System.err.println("sheep: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            System.err.println("sheep: " + e);
            return 2;
        }
        return node.terminated().join();
    }
}
