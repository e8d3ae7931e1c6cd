package org.sheepdogj.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.DynamicTest;

/**
 * A shell session with dog, written as a shell shows it: {@code $ COMMAND LINE}, what it printed (stderr, then
 * stdout, as when both go to one pipe), {@code [exit N]}. A command line is {@code dog ARGS}, or {@code sh -c}
 * with several joined by {@code &&} or {@code ;}, each perhaps fed by {@code printf WORD |}. Each command line becomes
 * a test that runs it with our dog against a node and compares.
 */
final class Transcript {
    private static final Pattern STEP = Pattern.compile("(?m)^\\$ (.*)\\n((?s:.*?))\\[exit (\\d+)]\\n");
    private static final Pattern JOIN = Pattern.compile(" (&&|;) ");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}(:\\d{2})?");
    private static final Pattern CTIME = Pattern.compile(
            "(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \\d]\\d"
                    + " \\d{2}:\\d{2}:\\d{2} \\d{4}");

    /** One command line, what it printed (or must print) and how it ended (or must end). */
    record Step(String command, String output, int status) {
    }

    private Transcript() {
    }

    /** Dates and times, which differ from run to run, as {@code <date>} and {@code <ctime>}. */
    static String maskTimes(String text) {
        return DATE.matcher(CTIME.matcher(text).replaceAll("<ctime>")).replaceAll("<date>");
    }

    static List<Step> parse(String text) {
        List<Step> steps = new ArrayList<>();
        Matcher m = STEP.matcher(text);
        int end = 0;
        while (m.find()) {
            assertEquals(end, m.start(), "transcript continues at " + end);
            steps.add(new Step(m.group(1), m.group(2), Integer.parseInt(m.group(3))));
            end = m.end();
        }
        assertEquals(text.length(), end, "transcript parsed to its end");
        return steps;
    }

    /**
     * The steps as tests, in order, each run against the node on {@code port}; {@code mask} is applied to both the
     * expected and the actual output.
     */
    static List<DynamicTest> tests(String text, int port, UnaryOperator<String> mask) {
        List<DynamicTest> tests = new ArrayList<>();
        for (Step s : parse(text)) {
            tests.add(DynamicTest.dynamicTest(s.command(), () -> {
                Step actual = run(s.command(), port);
                assertEquals(mask.apply(s.output()), mask.apply(actual.output()), s.command());
                assertEquals(s.status(), actual.status(), s.command() + ": exit status");
            }));
        }
        return tests;
    }

    /** Runs a command line: what all its dog runs printed, and the exit status of the last one. */
    static Step run(String line, int port) {
        String body = (line.startsWith("sh -c ") ? line.substring(6) : line).replace("; ", " ; ");
        List<String> commands = Arrays.asList(JOIN.split(body));
        List<String> joins = JOIN.matcher(body).results().map(r -> r.group(1)).toList();
        StringBuilder out = new StringBuilder();
        int status = 0;
        for (int i = 0; i < commands.size(); i++) {
            if (i > 0 && joins.get(i - 1).equals("&&") && status != 0) {
                break;
            }
            String cmd = commands.get(i).trim();
            String stdin = "";
            if (cmd.startsWith("printf ")) {
                int bar = cmd.indexOf(" | ");
                stdin = cmd.substring("printf ".length(), bar);
                cmd = cmd.substring(bar + 3);
            }
            assertTrue(cmd.startsWith("dog "), "a dog command: " + cmd);
            DogConsole.Result r = DogConsole.dog(port, stdin, cmd.substring(4).split(" "));
            out.append(r.merged());
            status = r.status();
        }
        return new Step(line, out.toString(), status);
    }
}
