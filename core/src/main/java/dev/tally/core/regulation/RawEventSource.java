package dev.tally.core.regulation;

import dev.tally.core.event.LogEntry;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.function.Consumer;

/**
 * Port: where raw events can be read again (the archive, plus on the embedded engine the part of
 * the log not archived yet). Entries may repeat; readers collapse them by message id. Throws {@link
 * java.io.UncheckedIOException} or {@link dev.tally.core.error.RetryableException} when the source
 * cannot be read.
 */
public interface RawEventSource {
  /**
   * Every entry of {@code store} that may hold events of the store-local days {@code from..to}
   * (entries may hold other days too; the caller filters).
   */
  void read(String store, ZoneId zone, LocalDate from, LocalDate to, Consumer<LogEntry> sink);
}
