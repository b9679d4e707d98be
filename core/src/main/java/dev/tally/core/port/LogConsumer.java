package dev.tally.core.port;

import java.time.Duration;
import java.util.List;

/**
 * Port: the reading side of a durable log, delivered at least once. Records stay until they are
 * acknowledged; after a crash the unacknowledged ones are delivered again. Throws {@link
 * dev.tally.core.error.RetryableException} when the log is unavailable.
 */
public interface LogConsumer extends AutoCloseable {
  /** Up to {@code max} records not yet acknowledged, oldest first; waits up to {@code wait}. */
  List<LogRecord> poll(int max, Duration wait);

  /** Marks records done; they are not delivered again. */
  void ack(List<LogRecord> records);

  /** Moves a record that can never be applied aside, with the reason, and acknowledges it. */
  void deadLetter(LogRecord record, String reason);

  /** Records appended but not yet acknowledged (for drain and health). */
  long backlog();

  @Override
  default void close() {}
}
