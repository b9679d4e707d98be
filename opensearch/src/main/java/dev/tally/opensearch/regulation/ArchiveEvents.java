package dev.tally.opensearch.regulation;

import dev.tally.core.event.LogEntry;
import dev.tally.core.regulation.RawEventSource;
import dev.tally.opensearch.archive.ArchiveFile;
import dev.tally.opensearch.archive.ArchiveFilter;
import dev.tally.opensearch.archive.ArchiveReader;
import dev.tally.opensearch.archive.ArchiveSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;
import java.util.function.Consumer;

/** {@link RawEventSource} over an archive (local directory or S3), pruned by partition. */
public final class ArchiveEvents implements RawEventSource {
  private final ArchiveSource archive;

  public ArchiveEvents(ArchiveSource archive) {
    this.archive = archive;
  }

  @Override
  public void read(
      String store, ZoneId zone, LocalDate from, LocalDate to, Consumer<LogEntry> sink) {
    ArchiveFilter filter =
        new ArchiveFilter(Optional.of(store), Optional.ofNullable(from), Optional.ofNullable(to));
    for (ArchiveFile f : archive.list(filter)) {
      try (InputStream in = archive.open(f)) {
        ArchiveReader.read(
            in,
            new ArchiveReader.Sink() {
              @Override
              public void entry(LogEntry entry, String line) {
                if (entry.storeId().equals(store)) {
                  sink.accept(entry);
                }
              }

              @Override
              public void badLine(String line, String reason) {}
            },
            n -> {});
      } catch (java.nio.file.NoSuchFileException e) {
        // Rewritten away (empty after a deletion) since it was listed.
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f.key() + ": " + e.getMessage(), e);
      }
    }
  }
}
