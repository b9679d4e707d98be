package dev.tally.app.regulation;

import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import dev.tally.core.port.LogRecord;
import dev.tally.core.regulation.RawEventSource;
import dev.tally.opensearch.archive.LocalArchive;
import dev.tally.opensearch.regulation.ArchiveEvents;
import dev.tally.sqlite.SqliteEventLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Consumer;

/**
 * The embedded engine's raw events: the archive, plus every record the log still holds (which
 * includes what the archiver has not reached yet). Entries repeat across the two; readers collapse
 * them by message id.
 */
public final class EmbeddedRawEvents implements RawEventSource {
  private final Path archive;
  private final SqliteEventLog log;

  public EmbeddedRawEvents(Path archive, SqliteEventLog log) {
    this.archive = archive;
    this.log = log;
  }

  @Override
  public void read(
      String store, ZoneId zone, LocalDate from, LocalDate to, Consumer<LogEntry> sink) {
    if (archive != null && Files.isDirectory(archive)) {
      new ArchiveEvents(new LocalArchive(archive)).read(store, zone, from, to, sink);
    }
    long position = 0;
    while (true) {
      List<LogRecord> page = log.readFrom(position, 1_000);
      for (LogRecord r : page) {
        try {
          LogEntry e = EventCodec.decode(r.body());
          if (e.storeId().equals(store)) {
            sink.accept(e);
          }
        } catch (IllegalArgumentException ignored) {
          // undecodable: never counted either
        }
        position = r.position() + 1;
      }
      if (page.size() < 1_000) {
        return;
      }
    }
  }
}
