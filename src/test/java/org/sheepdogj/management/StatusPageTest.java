package org.sheepdogj.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sheepdogj.testing.Futures.get;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sheepdogj.client.SheepdogConnection;
import org.sheepdogj.client.VdiHandle;
import org.sheepdogj.testing.Chromium;
import org.sheepdogj.testing.ProcessCluster;
import org.sheepdogj.testing.Tools;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The status page in a real browser (headless Chromium) against a running 3-node cluster under write load: it shows
 * the members by zone, the VDIs with their snapshot and clone, recovery per node, and a chart whose IOPS are above
 * zero. The screenshot stays in {@code target/status-page.png} for a person to look at.
 */
class StatusPageTest {
    private static final Path SCREENSHOT = Path.of("target", "status-page.png");
    private static final int WRITE_SIZE = 64 * 1024;
    /** Bounds the background load whatever happens to the test. */
    private static final int MAX_WRITES = 200_000;

    @TempDir
    Path dir;

    @Test
    void showsTheClusterAsItIs() throws Exception {
        Path browser = Path.of(Tools.require("chromium", "chromium"));
        try (DemoCluster demo = new DemoCluster(dir)) {
            Load load = new Load(demo);
            load.start();
            try (Chromium chromium = Chromium.start(browser, dir.resolve("profile"), 1280, 1000)) {
                chromium.navigate("http://127.0.0.1:" + demo.node(0).httpPort() + "/");
                ProcessCluster.await(Duration.ofSeconds(90), "the page to load and chart I/O", () ->
                        chromium.evaluate("document.body?.dataset.ready === 'yes' && "
                                + "window.statusPage?.samples.filter(s => s.iops > 0).length >= 5").asBoolean());
                ProcessCluster.await(Duration.ofSeconds(60), "every node idle on the page", () ->
                        chromium.evaluate("[...document.querySelectorAll('#recovery tbody tr')]"
                                + ".filter(tr => tr.cells[1].innerText === 'idle').length === 3").asBoolean());
                JsonNode shown = chromium.evaluate(SHOWN);
                chromium.screenshot(SCREENSHOT);
                load.stop();

                assertEquals("running", shown.get("status").asText());
                assertTrue(shown.get("cluster").asText().contains("plain"), shown.toString());

                List<String> addresses = new ArrayList<>();
                List<String> zones = new ArrayList<>();
                for (JsonNode row : shown.get("members")) {
                    zones.add(row.get(0).asText());
                    addresses.add(row.get(1).asText());
                    assertTrue(row.get(3).asText().matches("[0-9.]+ [KMG]iB of [0-9.]+ [KMG]iB"), row.toString());
                }
                assertEquals(List.of("1", "2", "3"), zones);
                assertEquals(List.of(address(demo, 0), address(demo, 1), address(demo, 2)), addresses);

                assertEquals(3, shown.get("recovery").size());
                for (JsonNode row : shown.get("recovery")) {
                    assertEquals("idle", row.get(1).asText(), row.toString());
                }

                String vdis = shown.get("vdis").asText();
                for (String expected : new String[] {"Alice", "snapshot 1 " + DemoCluster.TAG, "clone Bob", "Bob",
                    "cloned from Alice snapshot 1 (" + DemoCluster.TAG + ")", "current"}) {
                    assertTrue(vdis.contains(expected), "'" + expected + "' in:\n" + vdis);
                }
                assertFalse(vdis.contains("Carol"), vdis);

                assertTrue(shown.get("iops").asInt() > 0, shown.toString());
                assertTrue(shown.get("chartPixels").asInt() > 0, "the line of write IOPS is drawn");
            } finally {
                load.stop();
            }
        }
    }

    private static String address(DemoCluster demo, int i) {
        return "127.0.0.1:" + demo.node(i).port();
    }

    /** What the page shows, read from its DOM and its chart's pixels. */
    private static final String SHOWN = """
            (() => {
              const rows = sel => [...document.querySelectorAll(sel + ' tbody tr')]
                .map(tr => [...tr.cells].map(td => td.innerText.trim()));
              const canvas = document.getElementById('iops-chart');
              const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
              let writeLine = 0;
              for (let i = 0; i < px.length; i += 4) {
                if (px[i] === 224 && px[i + 1] === 123 && px[i + 2] === 36) writeLine++;
              }
              return {
                status: document.getElementById('cluster-status').textContent,
                cluster: document.getElementById('cluster').innerText,
                members: rows('#members'),
                recovery: rows('#recovery'),
                vdis: document.getElementById('vdis').innerText,
                iops: document.getElementById('iops').textContent,
                chartPixels: writeLine
              };
            })()""";

    /** Writes to Bob through the first node until stopped, so that the page has I/O to chart. */
    private static final class Load {
        private final DemoCluster demo;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private Thread thread;

        Load(DemoCluster demo) {
            this.demo = demo;
        }

        void start() {
            thread = new Thread(() -> {
                try (SheepdogConnection c = demo.node(0).connect(); VdiHandle bob = get(VdiHandle.open(c, "Bob", 0,
                        ""))) {
                    for (int i = 0; i < MAX_WRITES && !stop.get(); i++) {
                        get(bob.write((long) (i % 256) * WRITE_SIZE, DemoCluster.pattern(WRITE_SIZE, i)));
                    }
                } catch (Exception e) {
                    failure.set(e);
                }
            }, "status-page-load");
            thread.start();
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join();
            if (failure.get() != null) {
                throw new AssertionError("the load failed", failure.get());
            }
        }
    }
}
