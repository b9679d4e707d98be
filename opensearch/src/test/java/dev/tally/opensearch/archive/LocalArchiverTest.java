package dev.tally.opensearch.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import dev.tally.core.port.LogRecord;
import dev.tally.opensearch.Workload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalArchiverTest {
  @TempDir Path dir;
  final List<LogRecord> log = new ArrayList<>();
  final Workload w = new Workload(9, "m");

  LocalArchiver.Source source() {
    return (position, max) ->
        log.stream().filter(r -> r.position() >= position).limit(max).toList();
  }

  void append(String store, Instant at, List<Event> events) {
    LogEntry e = new LogEntry("entry-" + (log.size() + 1), store, events);
    log.add(new LogRecord(log.size() + 1, e.id(), at, EventCodec.encode(e)));
  }

  List<String> messageIds() throws IOException {
    List<String> out = new ArrayList<>();
    LocalArchive a = new LocalArchive(dir);
    for (ArchiveFile f : a.list(ArchiveFilter.all())) {
      try (InputStream in = a.open(f)) {
        ArchiveReader.read(
            in,
            new ArchiveReader.Sink() {
              @Override
              public void entry(LogEntry entry, String line) {
                entry.events().forEach(e -> out.add(e.messageId()));
              }

              @Override
              public void badLine(String line, String reason) {
                throw new AssertionError(reason);
              }
            },
            n -> {});
      }
    }
    return out;
  }

  List<Event> events(int n, Instant at) {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(w.page("a" + i, null, at, "/", null));
    }
    return out;
  }

  @Test
  void recordsGoToTheirStoreAndArrivalHour_andAReopenedArchiverContinuesAfterItsCursor()
      throws Exception {
    Instant t = Instant.parse("2026-11-30T10:15:00Z");
    append("s1", t, events(3, t));
    append("s2", t.plusSeconds(3600), events(2, t));
    try (LocalArchiver a = LocalArchiver.open(source(), LocalArchiver.Config.defaults(dir))) {
      assertThat(a.archiveAvailable()).isEqualTo(2);
      assertThat(a.cursor()).isEqualTo(2);
    }
    assertThat(
            Files.exists(
                dir.resolve("store=s1/dt=2026-11-30/hour=10/" + ArchiveLayout.fileName(1, 2))))
        .isTrue();
    assertThat(
            Files.exists(
                dir.resolve("store=s2/dt=2026-11-30/hour=11/" + ArchiveLayout.fileName(1, 2))))
        .isTrue();
    append("s1", t, events(1, t));
    try (LocalArchiver a = LocalArchiver.open(source(), LocalArchiver.Config.defaults(dir))) {
      assertThat(a.cursor()).isEqualTo(2);
      assertThat(a.archiveAvailable()).isEqualTo(1);
    }
    assertThat(messageIds()).hasSize(6).doesNotHaveDuplicates();
  }

  @Test
  void aCommittedBatchIsFinishedOnOpen_andAnUncommittedTempFileIsDeleted() throws Exception {
    Instant t = Instant.parse("2026-11-30T10:15:00Z");
    append("s1", t, events(2, t));
    try (LocalArchiver a = LocalArchiver.open(source(), LocalArchiver.Config.defaults(dir))) {
      a.archiveAvailable();
    }
    // As if killed after the commit point, before the rename: the file is back in tmp.
    Path target = dir.resolve("store=s1/dt=2026-11-30/hour=10/" + ArchiveLayout.fileName(1, 1));
    Path tmp = dir.resolve("_tally/tmp/1-1-0.jsonl.gz.tmp");
    Files.move(target, tmp);
    // And a batch that never committed left its temp file.
    Path orphan = dir.resolve("_tally/tmp/2-9-0.jsonl.gz.tmp");
    Files.writeString(orphan, "half a file");
    try (LocalArchiver a = LocalArchiver.open(source(), LocalArchiver.Config.defaults(dir))) {
      assertThat(a.cursor()).isEqualTo(1);
    }
    assertThat(target).exists();
    assertThat(tmp).doesNotExist();
    assertThat(orphan).doesNotExist();
    try (Stream<Path> files = Files.list(dir.resolve("_tally/tmp"))) {
      assertThat(files).isEmpty();
    }
    assertThat(messageIds()).hasSize(2);
  }

  @Test
  void aMessageTheLogHoldsTwice_isArchivedOnce_evenAcrossARestart() throws Exception {
    Instant t = Instant.parse("2026-11-30T10:15:00Z");
    List<Event> first = events(3, t);
    append("s1", t, first);
    append("s1", t, List.of(first.get(0), first.get(1))); // a retry's copies, in one batch
    try (LocalArchiver a = LocalArchiver.open(source(), LocalArchiver.Config.defaults(dir))) {
      a.archiveAvailable();
    }
    List<Event> more = events(1, t);
    append("s1", t, List.of(first.get(2), more.get(0))); // a copy, after a restart
    try (LocalArchiver a = LocalArchiver.open(source(), LocalArchiver.Config.defaults(dir))) {
      assertThat(a.archiveAvailable()).isEqualTo(1);
    }
    assertThat(messageIds()).hasSize(4).doesNotHaveDuplicates();
  }

  @Test
  void recentIds_forgetTheOldestBeyondCapacity() {
    RecentIds ids = new RecentIds(3);
    long[] h = new long[5];
    for (int i = 0; i < 5; i++) {
      h[i] = RecentIds.hash("s", "m" + i);
      assertThat(ids.add(h[i])).isTrue();
    }
    assertThat(ids.add(h[4])).isFalse();
    assertThat(ids.contains(h[0])).isFalse();
    assertThat(ids.contains(h[1])).isFalse();
    assertThat(ids.contains(h[2])).isTrue();
    assertThat(ids.size()).isEqualTo(3);
  }
}
