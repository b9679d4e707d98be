package dev.tally.app.rebuild;

import dev.tally.aggregator.rebuild.RebuildSource;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import dev.tally.core.port.LogRecord;
import dev.tally.opensearch.archive.ArchiveFile;
import dev.tally.opensearch.archive.ArchiveFilter;
import dev.tally.opensearch.archive.ArchiveReader;
import dev.tally.opensearch.archive.ArchiveSource;
import dev.tally.sqlite.SqliteEventLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The raw events for a rebuild: each archive file is a part (named by key and version, so a
 * rewritten file is read again), then, on the embedded engine, one part for what the durable log
 * still holds (it includes what the archiver has not reached; entries already read from the archive
 * are marked and skipped by the writer).
 */
public final class ArchiveRebuildSource implements RebuildSource {
  static final String LOG_PART = "log";
  private final ArchiveSource archive;
  private final SqliteEventLog log;
  private final Map<String, ArchiveFile> files = new HashMap<>();

  /**
   * @param archive the archive, or null for none
   * @param log the embedded log, or null for none
   */
  public ArchiveRebuildSource(ArchiveSource archive, SqliteEventLog log) {
    this.archive = archive;
    this.log = log;
  }

  @Override
  public List<Part> parts(String store, ZoneId zone, LocalDate from, LocalDate to) {
    List<Part> out = new ArrayList<>();
    if (archive != null) {
      ArchiveFilter filter =
          new ArchiveFilter(Optional.of(store), Optional.ofNullable(from), Optional.empty());
      for (ArchiveFile f : archive.list(filter)) {
        String name = "archive:" + f.key() + "@" + f.version();
        files.put(name, f);
        out.add(new Part(name, f.size()));
      }
    }
    if (log != null) {
      out.add(new Part(LOG_PART, 1));
    }
    return out;
  }

  @Override
  public void read(Part part, Consumer<LogEntry> sink) {
    if (part.name().equals(LOG_PART)) {
      readLog(sink);
      return;
    }
    ArchiveFile f = files.get(part.name());
    try (InputStream in = archive.open(f)) {
      ArchiveReader.read(
          in,
          new ArchiveReader.Sink() {
            @Override
            public void entry(LogEntry entry, String line) {
              sink.accept(entry);
            }

            @Override
            public void badLine(String line, String reason) {}
          },
          n -> {});
    } catch (java.nio.file.NoSuchFileException e) {
      // removed by a deletion since it was listed
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f.key() + ": " + e.getMessage(), e);
    }
  }

  private void readLog(Consumer<LogEntry> sink) {
    long position = 0;
    while (true) {
      List<LogRecord> page = log.readFrom(position, 1_000);
      for (LogRecord r : page) {
        try {
          sink.accept(EventCodec.decode(r.body()));
        } catch (IllegalArgumentException ignored) {
          // undecodable: never counted live either
        }
        position = r.position() + 1;
      }
      if (page.size() < 1_000) {
        return;
      }
    }
  }
}
