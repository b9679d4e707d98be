package dev.tally.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.app.sim.TallyClient;
import dev.tally.app.stack.DemoStore;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.Json;
import dev.tally.core.event.LogEntry;
import dev.tally.core.port.LogRecord;
import dev.tally.opensearch.archive.ArchiveFile;
import dev.tally.opensearch.archive.ArchiveFilter;
import dev.tally.opensearch.archive.ArchiveReader;
import dev.tally.opensearch.archive.LocalArchive;
import dev.tally.sqlite.SqliteEventLog;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code tally up}, archiving every 50 ms so that the archiver is nearly always
 * writing, is killed with SIGKILL at random instants while events arrive, and restarted on the same
 * data, while clients resend what died with it. At the end every event answered 2xx is in the
 * archive exactly once (a message the log holds twice, published again by a retry after a crash,
 * included); no log record is archived twice; no partition holds a temp file or a file that does
 * not read to its end.
 */
class ArchiveCrashIT {
  static final Path JAR = Path.of("target", "tally.jar");
  static final int KILLS = 12;
  static final int SENDERS = 3;

  @TempDir Path work;

  private final Set<String> acked = ConcurrentHashMap.newKeySet();
  private final Set<String> unanswered = ConcurrentHashMap.newKeySet();
  private final Map<String, Instant> created = new ConcurrentHashMap<>();
  private final AtomicInteger next = new AtomicInteger();

  @Test
  void killedWhileArchiving_everyAcceptedEventIsInTheArchiveExactlyOnce() throws Exception {
    assertThat(JAR).as("built by the package phase").exists();
    int port = freePort();
    TallyClient client = new TallyClient(URI.create("http://127.0.0.1:" + port));
    Random rnd = new Random(20261130);
    for (int round = 1; round <= KILLS; round++) {
      Process p = start(port, "round-" + round + ".log");
      retryUnanswered(client);
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
      for (int s = 0; s < SENDERS; s++) {
        pool.submit(() -> sendUntil(client, stop));
      }
      Thread.sleep(400 + rnd.nextInt(1_500));
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      stop.set(true);
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    Process last = start(port, "final.log");
    retryUnanswered(client);
    assertThat(unanswered).isEmpty();
    // A clean stop: the archiver writes what is left before the process exits.
    last.destroy();
    assertThat(last.waitFor(60, TimeUnit.SECONDS)).isTrue();

    Path data = work.resolve("data");
    Path archive = data.resolve("archive");
    // Nothing half-written is visible: no temp file outside _tally/, every file reads to its end.
    try (Stream<Path> files = Files.walk(archive)) {
      assertThat(
              files
                  .filter(Files::isRegularFile)
                  .map(f -> archive.relativize(f).toString())
                  .filter(f -> !f.startsWith("_tally/"))
                  .filter(f -> !f.endsWith(".jsonl.gz")))
          .isEmpty();
    }
    Map<String, Integer> archivedEntries = new HashMap<>();
    Map<String, Integer> archivedMessages = new HashMap<>();
    LocalArchive reader = new LocalArchive(archive);
    List<ArchiveFile> files = reader.list(ArchiveFilter.all());
    for (ArchiveFile f : files) {
      try (InputStream in = reader.open(f)) {
        ArchiveReader.read(
            in,
            new ArchiveReader.Sink() {
              @Override
              public void entry(LogEntry entry, String line) {
                archivedEntries.merge(entry.id(), 1, Integer::sum);
                for (Event e : entry.events()) {
                  archivedMessages.merge(e.messageId(), 1, Integer::sum);
                }
              }

              @Override
              public void badLine(String line, String reason) {
                throw new AssertionError("unreadable line in " + f.key() + ": " + reason);
              }
            },
            n -> {});
      }
    }
    Map<String, Integer> loggedEntries = new HashMap<>();
    Map<String, Integer> loggedMessages = new HashMap<>();
    try (SqliteEventLog log = SqliteEventLog.open(data.resolve("log.db"))) {
      long from = 0;
      while (true) {
        List<LogRecord> page = log.readFrom(from, 1_000);
        for (LogRecord r : page) {
          loggedEntries.merge(r.id(), 1, Integer::sum);
          for (Event e : EventCodec.decode(r.body()).events()) {
            loggedMessages.merge(e.messageId(), 1, Integer::sum);
          }
          from = r.position() + 1;
        }
        if (page.size() < 1_000) {
          break;
        }
      }
    }
    long duplicatedOnTheLog = loggedMessages.values().stream().filter(n -> n > 1).count();
    System.out.printf(
        "ArchiveCrashIT: %d kills, %d events acknowledged, %d log records in %d archive files,"
            + " %d message ids the log itself holds twice%n",
        KILLS, acked.size(), loggedEntries.size(), files.size(), duplicatedOnTheLog);
    assertThat(archivedEntries.values()).as("no log record archived twice").allMatch(n -> n == 1);
    assertThat(loggedEntries.keySet()).containsAll(archivedEntries.keySet());
    // Every message the log holds, the retried copies of a crash window included, exactly once.
    assertThat(archivedMessages.values()).as("each message id once").allMatch(n -> n == 1);
    assertThat(archivedMessages.keySet()).isEqualTo(loggedMessages.keySet());
    assertThat(archivedMessages.keySet()).containsAll(acked);
    assertThat(acked).hasSizeGreaterThan(KILLS * 50);
    assertThat(files.size()).isGreaterThan(KILLS);
  }

  private void sendUntil(TallyClient client, AtomicBoolean stop) {
    while (!stop.get()) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        String id = "arc-" + next.incrementAndGet();
        created.put(id, Instant.now());
        ids.add(id);
      }
      unanswered.addAll(ids);
      if (send(client, ids)) {
        acked.addAll(ids);
        unanswered.removeAll(ids);
      } else {
        return;
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

  private boolean send(TallyClient client, List<String> ids) {
    List<ObjectNode> batch = new ArrayList<>();
    for (String id : ids) {
      ObjectNode e = Json.mapper().createObjectNode();
      e.put("type", "track");
      e.put("event", "Product Viewed");
      e.put("anonymousId", "device-" + id);
      e.put("messageId", id);
      e.put("timestamp", created.get(id).toString());
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

  private Process start(int port, String log) throws IOException, InterruptedException {
    return TallyProcess.up(port, work.resolve("data"), work.resolve(log), "--archive-roll", "50ms");
  }

  private static int freePort() throws IOException {
    return TallyProcess.freePort();
  }
}
