package dev.tally.core.port;

import java.time.Instant;

/**
 * One message read from the durable log: an encoded {@link dev.tally.core.event.LogEntry}, its
 * position, and when the log stored it.
 */
public record LogRecord(long position, String id, Instant appendedAt, byte[] body) {
  public LogRecord {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("id is required");
    }
    if (body == null) {
      throw new IllegalArgumentException("body is required");
    }
  }
}
