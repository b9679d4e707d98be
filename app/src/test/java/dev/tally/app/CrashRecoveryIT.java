package dev.tally.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.app.sim.TallyClient;
import dev.tally.app.stack.DemoStore;
import dev.tally.core.event.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code tally up} on its default engine is killed with SIGKILL at random instants
 * (while requests are in flight, right after the last 2xx, in the middle of aggregation) and
 * restarted on the same data, again and again. Every event answered 2xx is counted, and an event
 * whose request died with the process is counted once when the client retries it, as Segment
 * clients do.
 */
class CrashRecoveryIT {
  static final Path JAR = Path.of("target", "tally.jar");
  static final int KILLS = 20;
  static final int SENDERS = 4;

  @TempDir Path work;

  private final Set<String> acked = ConcurrentHashMap.newKeySet();
  private final Set<String> unanswered = ConcurrentHashMap.newKeySet();
  private final AtomicInteger next = new AtomicInteger();
  // A retry resends the same event, timestamp included, as a real client's queue does.
  private static final java.util.Map<String, Instant> CREATED = new ConcurrentHashMap<>();

  @Test
  void killedAtRandomInstants_twentyTimes_countsEveryAcknowledgedEventExactlyOnce()
      throws Exception {
    assertThat(JAR).as("built by the package phase").exists();
    int port = freePort();
    TallyClient client = new TallyClient(URI.create("http://127.0.0.1:" + port));
    Random rnd = new Random(20261130);
    int afterLastAck = 0;
    int midStream = 0;
    for (int round = 1; round <= KILLS; round++) {
      Process p = start(port, "round-" + round + ".log");
      // What died with the previous process is sent again, with the same message ids.
      retryUnanswered(client);
      boolean quietKill = round % 3 == 0;
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
      List<Future<?>> senders = new ArrayList<>();
      for (int s = 0; s < SENDERS; s++) {
        senders.add(pool.submit(() -> sendUntil(client, stop)));
      }
      Thread.sleep(300 + rnd.nextInt(2_500));
      if (quietKill) {
        // Immediately after the last 2xx: no request in flight, the log holds a backlog.
        stop.set(true);
        for (Future<?> f : senders) {
          f.get(30, TimeUnit.SECONDS);
        }
        afterLastAck++;
      } else {
        midStream++;
      }
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      stop.set(true);
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    Process last = start(port, "final.log");
    try {
      retryUnanswered(client);
      assertThat(unanswered).isEmpty();
      long expected = acked.size();
      long counted = waitForCount(client, expected, Duration.ofSeconds(120));
      System.out.printf(
          "CrashRecoveryIT: %d events acknowledged over %d kills (%d right after the last 2xx,"
              + " %d with requests in flight); counted %d%n",
          expected, KILLS, afterLastAck, midStream, counted);
      assertThat(counted).as("every acknowledged event, exactly once").isEqualTo(expected);
      // And it stays exact: nothing left in the log counts anything twice later.
      Thread.sleep(2_000);
      assertThat(count(client)).isEqualTo(expected);
      assertThat(afterLastAck + midStream).isEqualTo(KILLS);
      assertThat(expected).isGreaterThan(KILLS * 100L);
    } finally {
      last.destroy();
      last.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private void sendUntil(TallyClient client, AtomicBoolean stop) {
    while (!stop.get()) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String id = "crash-" + next.incrementAndGet();
        CREATED.put(id, Instant.now());
        ids.add(id);
      }
      unanswered.addAll(ids);
      if (send(client, ids)) {
        acked.addAll(ids);
        unanswered.removeAll(ids);
      } else {
        return; // the process is gone; these ids are retried after the restart
      }
    }
  }

  private void retryUnanswered(TallyClient client) {
    List<String> ids = new ArrayList<>(unanswered);
    for (int i = 0; i < ids.size(); i += 100) {
      List<String> part = ids.subList(i, Math.min(ids.size(), i + 100));
      assertThat(send(client, part)).as("retry after restart").isTrue();
      acked.addAll(part);
      unanswered.removeAll(part);
    }
  }

  private static boolean send(TallyClient client, List<String> ids) {
    List<ObjectNode> batch = new ArrayList<>();
    for (String id : ids) {
      ObjectNode e = Json.mapper().createObjectNode();
      e.put("type", "track");
      e.put("event", "Product Viewed");
      e.put("anonymousId", "device-" + id);
      e.put("messageId", id);
      e.put("timestamp", CREATED.get(id).toString());
      e.putObject("properties").put("product_id", "p1");
      batch.add(e);
    }
    try {
      HttpResponse<String> r = client.batch(DemoStore.WRITE_KEY, batch, false);
      return r.statusCode() == 200;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static long waitForCount(TallyClient client, long expected, Duration timeout)
      throws Exception {
    long counted = -1;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && counted < expected) {
      Thread.sleep(500);
      counted = count(client);
    }
    return counted;
  }

  private static long count(TallyClient client) throws Exception {
    // Events may straddle midnight UTC during the run: sum yesterday and today.
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    JsonNode ts =
        Json.mapper()
            .readTree(
                client
                    .get(
                        "/api/v1/timeseries?metric=productViews&interval=day&from="
                            + today.minusDays(1)
                            + "&to="
                            + today,
                        DemoStore.READ_KEY)
                    .body());
    long sum = 0;
    for (JsonNode p : ts.path("points")) {
      sum += p.path("value").asLong();
    }
    return sum;
  }

  private Process start(int port, String log) throws IOException, InterruptedException {
    return TallyProcess.up(port, work.resolve("data"), work.resolve(log));
  }

  private static int freePort() throws IOException {
    return TallyProcess.freePort();
  }
}
