package dev.tally.sqlite;

import dev.tally.core.event.Event;
import dev.tally.core.event.EventHeader;
import dev.tally.core.event.Json;
import dev.tally.core.event.Props;
import dev.tally.core.event.TrackEvent;
import dev.tally.core.item.Condition;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemWrite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A rough throughput check to run by hand, not a test: appends with 8 threads of 100-event batches,
 * then times 2,000-item writes. Run with {@code ./mvnw -B -o -pl sqlite exec:java
 * -Dexec.mainClass=dev.tally.sqlite.SqliteThroughput -Dexec.classpathScope=test} after a build, or
 * with {@code java -cp} on the test classpath.
 */
public final class SqliteThroughput {
  private SqliteThroughput() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("tally-throughput");
    try {
      appends(dir.resolve("log.db"), 8, 100, 150);
      itemWrites(dir.resolve("items.db"), 2_000, 10);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(dir);
    }
  }

  private static void appends(Path file, int threads, int batch, int batchesPerThread)
      throws Exception {
    try (SqliteEventLog log = SqliteEventLog.open(file)) {
      log.append("warmup", List.of(event("warmup")));
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      long start = System.nanoTime();
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String prefix = "t" + t + "-";
        futures.add(
            pool.submit(
                () -> {
                  for (int b = 0; b < batchesPerThread; b++) {
                    List<Event> events = new ArrayList<>();
                    for (int i = 0; i < batch; i++) {
                      events.add(event(prefix + b + "-" + i));
                    }
                    log.append("store-" + (b % 4), events);
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      double secs = (System.nanoTime() - start) / 1e9;
      pool.shutdown();
      long events = (long) threads * batch * batchesPerThread;
      System.out.printf(
          "append: %d threads x %d-event batches: %d events in %.2f s = %.0f events/s,"
              + " %.0f appends/s, %d log rows%n",
          threads,
          batch,
          events,
          secs,
          events / secs,
          threads * batchesPerThread / secs,
          log.backlog());
    }
  }

  private static void itemWrites(Path file, int items, int rounds) {
    try (SqliteDatabase db = SqliteDatabase.open(file)) {
      SqliteItemStore store = db.table("metrics");
      long[] nanos = new long[rounds];
      for (int r = 0; r < rounds; r++) {
        List<ItemWrite> writes = new ArrayList<>();
        for (int i = 0; i < items; i++) {
          writes.add(
              ItemWrite.update(ItemKey.of("s#USER#u" + i, "DAY#2026-03-02"))
                  .add("events", 1)
                  .add("views", 2)
                  .addMarks("seen", List.of((long) (r * 31 + i)))
                  .add("ver", 1)
                  .when(Condition.versionIs("ver", r == 0 ? null : (long) r))
                  .build());
        }
        long start = System.nanoTime();
        store.write(writes);
        nanos[r] = System.nanoTime() - start;
      }
      long[] ms = Arrays.stream(nanos).map(n -> n / 1_000_000).toArray();
      long[] sorted = ms.clone();
      Arrays.sort(sorted);
      System.out.printf(
          "write: %d guarded updates per call, %d calls: first %d ms (creates), median %d ms,"
              + " all %s%n",
          items, rounds, ms[0], sorted[rounds / 2], Arrays.toString(ms));
    }
  }

  private static Event event(String id) {
    Instant now = Instant.now();
    var props = Json.mapper().createObjectNode();
    props.put("productId", "p-" + (id.hashCode() & 0xff));
    props.put("price", 24.0);
    props.put("currency", "EUR");
    return new TrackEvent(
        new EventHeader(
            id, "anon-" + (id.hashCode() & 0x3ff), null, now, null, null, now, Props.empty()),
        "Product Viewed",
        Props.of(props));
  }
}
