package dev.tally.aggregator.rebuild;

import dev.tally.core.event.LogEntry;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Consumer;

/**
 * Port: the raw events a rebuild reads, cut into parts (archive files, the part of the log not
 * archived yet) so that a rebuild can resume after the last finished part. Parts come in log order.
 * Throws {@link java.io.UncheckedIOException} or {@link dev.tally.core.error.RetryableException}
 * when the source cannot be read.
 */
public interface RebuildSource {
  /** One part: a stable name (to resume by) and its size in bytes (for progress). */
  record Part(String name, long bytes) {}

  /** The parts that may hold events of {@code store} on the store-local days {@code from..to}. */
  List<Part> parts(String store, ZoneId zone, LocalDate from, LocalDate to);

  /** Every log entry of the part, in order. */
  void read(Part part, Consumer<LogEntry> sink);
}
