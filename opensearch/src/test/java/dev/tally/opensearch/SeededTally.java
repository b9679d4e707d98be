package dev.tally.opensearch;

import dev.tally.core.event.Event;
import dev.tally.core.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The seeded workload the ITs share (one per test JVM): two stores, Berlin/EUR and New York/USD,
 * over {@link #DAYS} days across a month boundary, sent in chunks and archived after each chunk, so
 * the archive has many files as a running {@code tally up} would roll them.
 */
public final class SeededTally {
  public static final LocalDate FROM = LocalDate.of(2026, 10, 27);
  public static final int DAYS = 8;
  private static SeededTally instance;

  public final LocalTally tally;
  public final List<Event> s1;
  public final List<Event> s2;

  private SeededTally(Path dir) throws InterruptedException {
    tally = new LocalTally(dir);
    Store a = tally.addStore("s1", "Europe/Berlin", "EUR");
    Store b = tally.addStore("s2", "America/New_York", "USD");
    s1 =
        Collections.unmodifiableList(
            new Workload(1, "s1").generate(FROM, DAYS, 150, a.timezone(), "EUR"));
    s2 =
        Collections.unmodifiableList(
            new Workload(2, "s2").generate(FROM, DAYS, 100, b.timezone(), "USD"));
    for (int i = 0; i < Math.max(s1.size(), s2.size()); i += 400) {
      tally.send(
          "s1", new ArrayList<>(s1.subList(Math.min(i, s1.size()), Math.min(s1.size(), i + 400))));
      tally.send(
          "s2", new ArrayList<>(s2.subList(Math.min(i, s2.size()), Math.min(s2.size(), i + 400))));
      tally.settle();
    }
  }

  public static synchronized SeededTally get() {
    if (instance == null) {
      try {
        Path dir = Files.createTempDirectory("tally-seeded-");
        instance = new SeededTally(dir);
        SeededTally seeded = instance;
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      seeded.tally.close();
                      try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
                        files
                            .sorted(java.util.Comparator.reverseOrder())
                            .forEach(f -> f.toFile().delete());
                      } catch (IOException e) {
                        // a temporary directory: best effort
                      }
                    }));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return instance;
  }

  public long accepted() {
    return s1.size() + s2.size();
  }
}
