package dev.tally.flink;

import java.util.Arrays;
import java.util.Objects;

/**
 * One Kinesis record as the source read it: where it came from and its bytes. A Flink POJO (public
 * fields, no-argument constructor), so Flink serializes it without Kryo.
 */
public class LogRecord {
  /** {@code shardId/sequenceNumber}: unique in the stream, stable across re-reads. */
  public String sourceId;

  /** The Kinesis partition key ({@code store#device} as ingest writes it). */
  public String partitionKey;

  /** The record's data: one encoded {@link dev.tally.core.event.LogEntry}. */
  public byte[] data;

  public LogRecord() {}

  public LogRecord(String sourceId, String partitionKey, byte[] data) {
    this.sourceId = sourceId;
    this.partitionKey = partitionKey;
    this.data = data;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogRecord r
        && Objects.equals(sourceId, r.sourceId)
        && Objects.equals(partitionKey, r.partitionKey)
        && Arrays.equals(data, r.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sourceId, partitionKey, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "LogRecord[" + sourceId + ", " + (data == null ? 0 : data.length) + " bytes]";
  }
}
