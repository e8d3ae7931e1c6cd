package org.sheepdogj.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.sheepdogj.node.NodeOptions;
import org.sheepdogj.node.NodeSettings;
import org.yaml.snakeyaml.Yaml;

import com.typesafe.config.ConfigFactory;

import picocli.CommandLine;

/**
 * What can be checked of {@code docker/} without a Docker engine: the Compose file's commands are valid node command
 * lines whose ports, stores and seeds agree with the published ports, the volumes and each other, and the Dockerfile
 * copies what the build makes and exposes the ports the nodes listen on.
 */
class DockerFilesTest {
    private static final Path DOCKER = Path.of("docker");
    private static final NodeSettings DEFAULTS = settings(List.of());

    @Test
    @SuppressWarnings("unchecked")
    void composeRunsThreeNodesThatFindEachOther() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(DOCKER.resolve("compose.yaml")));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        assertEquals(List.of("sheep1", "sheep2", "sheep3"), new ArrayList<>(services.keySet()));
        Set<String> volumes = ((Map<String, Object>) compose.get("volumes")).keySet();
        Set<String> hostPorts = new HashSet<>();
        NodeSettings seed = null;
        int zone = 0;
        for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
            String name = e.getKey();
            Map<String, Object> service = e.getValue();
            Map<String, Object> build = (Map<String, Object>) service.get("build");
            assertEquals("..", build.get("context"), name);
            assertEquals("docker/Dockerfile", build.get("dockerfile"), name);
            assertTrue(Files.isRegularFile(DOCKER.resolve("..").resolve((String) build.get("dockerfile"))));

            NodeSettings s = settings((List<String>) service.get("command"));
            assertEquals(name, s.advertiseAddress(), "a node advertises its service name");
            assertEquals(++zone, s.zone(), name);
            if (seed == null) {
                seed = s;
                assertTrue(s.join().isEmpty(), "the first node forms the cluster");
            } else {
                assertEquals(List.of(seed.advertiseAddress() + ":" + seed.clusterPort()), s.join(), name);
            }

            List<String> mounts = (List<String>) service.get("volumes");
            assertEquals(List.of(name + ":" + s.store()), mounts, "a volume of its own holds the store");
            assertTrue(volumes.contains(name), "volume " + name + " declared");

            Set<Integer> published = new HashSet<>();
            for (String mapping : (List<String>) service.get("ports")) {
                String[] hostAndContainer = mapping.split(":");
                assertTrue(hostPorts.add(hostAndContainer[0]), "host port " + mapping + " used once");
                published.add(Integer.parseInt(hostAndContainer[1]));
            }
            assertEquals(Set.of(s.port(), s.httpPort(), s.nbdPort()), published, name);
        }
    }

    @Test
    void dockerfileBuildsTheJarAndRunsItWithTheNodesPorts() throws IOException {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
        List<String> stages = all(Pattern.compile("(?m)^FROM (\\S+)(?: AS (\\S+))?$"), dockerfile, 0);
        assertEquals(2, stages.size(), "a Maven stage and a JRE stage: " + stages);
        assertTrue(stages.get(0).startsWith("FROM maven:") && stages.get(0).endsWith(" AS build"), stages.get(0));
        assertTrue(stages.get(1).startsWith("FROM eclipse-temurin:17-jre"), stages.get(1));

        String jar = "target/" + finalName() + ".jar";
        assertTrue(dockerfile.contains("COPY --from=build /src/" + jar + " /opt/sheepdog/" + jar), jar);
        for (String copied : all(Pattern.compile("(?m)^COPY (?!--from)(.+) \\S+$"), dockerfile, 1)) {
            for (String source : copied.split(" ")) {
                assertTrue(Files.exists(Path.of(source)), "COPY source " + source);
            }
        }
        assertTrue(Files.isExecutable(Path.of("bin", "sheep")));
        assertTrue(dockerfile.contains("ENTRYPOINT [\"sheep\"]"));
        assertTrue(dockerfile.contains("CMD [\"--store\", \"" + DEFAULTS.store() + "\"]"));

        Set<Integer> exposed = new HashSet<>();
        for (String port : all(Pattern.compile("(?m)^EXPOSE (.+)$"), dockerfile, 1).get(0).split(" ")) {
            exposed.add(Integer.parseInt(port));
        }
        assertEquals(Set.of(DEFAULTS.port(), DEFAULTS.httpPort(), DEFAULTS.nbdPort(), DEFAULTS.clusterPort()), exposed);

        List<String> ignore = Files.readAllLines(DOCKER.resolve("Dockerfile.dockerignore"));
        for (String needed : new String[] {"!pom.xml", "!src/", "!bin/"}) {
            assertTrue(ignore.contains(needed), "the build context keeps " + needed);
        }
    }

    /** The settings a node started with these arguments would run with. */
    private static NodeSettings settings(List<String> args) {
        NodeOptions options = new NodeOptions();
        new CommandLine(options).parseArgs(args.toArray(new String[0]));
        return NodeSettings.from(options.call().withFallback(ConfigFactory.load()).resolve());
    }

    private static String finalName() throws IOException {
        Matcher m = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find(), "the shaded jar's name in pom.xml");
        return m.group(1);
    }

    private static List<String> all(Pattern p, String text, int group) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(m.group(group));
        }
        return out;
    }
}
