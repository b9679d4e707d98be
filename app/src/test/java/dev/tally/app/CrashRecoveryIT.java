package dev.tally.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.app.sim.TallyClient;
import dev.tally.app.stack.DemoStore;
import dev.tally.core.event.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code tally up} is killed with SIGKILL while accepted events are still queued or
 * half-applied, then restarted on the same data: every accepted event is counted, and once.
 */
class CrashRecoveryIT {
  static final Path JAR = Path.of("target", "tally.jar");
  static final int EVENTS = 3_000;

  @TempDir Path work;

  @Test
  void killedMidAggregation_thenRestarted_countsEveryAcceptedEventOnce() throws Exception {
    assertThat(JAR).as("built by the package phase").exists();
    int port = freePort();
    TallyClient client = new TallyClient(URI.create("http://127.0.0.1:" + port));
    String today = LocalDate.now(ZoneOffset.UTC).toString();

    Process first = start(port, "first.log");
    for (int b = 0; b < EVENTS / 100; b++) {
      List<ObjectNode> batch = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("type", "track");
        e.put("event", "Product Viewed");
        e.put("userId", "crash-" + b + "-" + i);
        e.put("messageId", "crash-" + b + "-" + i);
        e.put("timestamp", Instant.now().toString());
        e.putObject("properties").put("product_id", "p1");
        batch.add(e);
      }
      assertThat(client.batch(DemoStore.WRITE_KEY, batch, false).statusCode()).isEqualTo(200);
    }
    // ElasticMQ writes its message file asynchronously: give it a moment (see README, Known
    // limits).
    Thread.sleep(2_000);
    first.destroyForcibly().waitFor();

    Process second = start(port, "second.log");
    try {
      long counted = -1;
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (System.nanoTime() < deadline && counted != EVENTS) {
        Thread.sleep(1_000);
        JsonNode ts =
            Json.mapper()
                .readTree(
                    client
                        .get(
                            "/api/v1/timeseries?metric=productViews&interval=day&from="
                                + today
                                + "&to="
                                + today,
                            DemoStore.READ_KEY)
                        .body());
        counted = ts.at("/points/0/value").asLong();
      }
      assertThat(counted).as("every accepted event, once").isEqualTo(EVENTS);
      // Stays exact: redeliveries still arriving after visibility timeouts must not add anything.
      Thread.sleep(2_000);
      JsonNode again =
          Json.mapper()
              .readTree(
                  client
                      .get(
                          "/api/v1/timeseries?metric=productViews&interval=day&from="
                              + today
                              + "&to="
                              + today,
                          DemoStore.READ_KEY)
                      .body());
      assertThat(again.at("/points/0/value").asLong()).isEqualTo(EVENTS);
    } finally {
      second.destroy();
      second.waitFor();
    }
  }

  private Process start(int port, String log) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toAbsolutePath().toString(),
                "up",
                "--port",
                Integer.toString(port),
                "--data",
                work.resolve("data").toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(log).toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(work.resolve(log))
          && Files.readString(work.resolve(log)).contains("Press Ctrl-C")) {
        return p;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("tally up exited: " + Files.readString(work.resolve(log)));
      }
      Thread.sleep(200);
    }
    p.destroyForcibly();
    throw new IllegalStateException(
        "tally up did not start: " + Files.readString(work.resolve(log)));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
