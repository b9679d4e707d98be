package dev.tally.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.event.EventCodec;
import dev.tally.core.port.LogRecord;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL a process in the middle of appending, five times over, on one log file: every event whose
 * {@code append} had returned is still there afterwards, and the file is intact.
 */
class SqliteEventLogCrashIT {
  @TempDir Path dir;

  @Test
  void sigkillDuringAppends_losesNoAcknowledgedEvent() throws Exception {
    Path file = dir.resolve("log.db");
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Set<String> acknowledged = new HashSet<>();
    for (int round = 0; round < 5; round++) {
      long delay = 100 + random.nextInt(1_400);
      List<String> printed = runAndKill(file, "r" + round, delay);
      assertThat(printed)
          .as("round %d (seed %d, delay %d ms) appended something", round, seed, delay)
          .isNotEmpty();
      acknowledged.addAll(printed);
    }

    assertThat(integrityCheck(file)).isEqualTo("ok");
    try (SqliteEventLog log = SqliteEventLog.open(file)) {
      Set<String> stored = new HashSet<>();
      long records = 0;
      long from = 0;
      for (List<LogRecord> page; !(page = log.readFrom(from, 500)).isEmpty(); ) {
        for (LogRecord r : page) {
          EventCodec.decode(r.body()).events().forEach(e -> stored.add(e.messageId()));
          from = r.position() + 1;
          records++;
        }
      }
      // A set difference: AssertJ's containsAll compares pairwise, too slow for 100k ids.
      Set<String> lost = new HashSet<>(acknowledged);
      lost.removeAll(stored);
      assertThat(lost).as("acknowledged but lost (seed %d)", seed).isEmpty();
      assertThat(log.backlog())
          .as("nothing was acknowledged, so all is still due")
          .isEqualTo(records);
    }
  }

  /** Starts the appender, lets it run {@code delayMillis} after its first append, kills it. */
  private List<String> runAndKill(Path file, String prefix, long delayMillis) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashAppender.class.getName(),
                file.toString(),
                "4",
                prefix)
            .redirectError(dir.resolve(prefix + ".err").toFile())
            .start();
    List<String> lines = new ArrayList<>();
    CountDownLatch first = new CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  // A line cut by the kill has no dot: its id was never fully acknowledged.
                  if (line.endsWith(".")) {
                    synchronized (lines) {
                      lines.add(line.substring(0, line.length() - 1));
                    }
                    first.countDown();
                  }
                }
              } catch (java.io.IOException e) {
                // the pipe closes when the child dies
              }
            });
    reader.start();
    try {
      assertThat(first.await(60, TimeUnit.SECONDS)).as("child appended within 60 s").isTrue();
      Thread.sleep(delayMillis);
    } finally {
      p.destroyForcibly();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(30_000);
    }
    synchronized (lines) {
      return new ArrayList<>(lines);
    }
  }

  private static String integrityCheck(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        ResultSet rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
