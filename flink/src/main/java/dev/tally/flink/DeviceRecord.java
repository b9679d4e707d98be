package dev.tally.flink;

import java.util.Arrays;
import java.util.Objects;

/**
 * A log entry holding one device's events of one store, keyed by {@code store#device}. A Flink POJO
 * (public fields, no-argument constructor), so Flink serializes it, in flight and in the batching
 * state, without Kryo.
 */
public class DeviceRecord {
  /** {@code store#device}; records that could not be decoded carry their partition key. */
  public String key;

  /** The source record's id, with a {@code #device} suffix when one record held several devices. */
  public String sourceId;

  /**
   * An encoded {@link dev.tally.core.event.LogEntry}, or the raw bytes of an undecodable record.
   */
  public byte[] body;

  public DeviceRecord() {}

  public DeviceRecord(String key, String sourceId, byte[] body) {
    this.key = key;
    this.sourceId = sourceId;
    this.body = body;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeviceRecord r
        && Objects.equals(key, r.key)
        && Objects.equals(sourceId, r.sourceId)
        && Arrays.equals(body, r.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, sourceId, Arrays.hashCode(body));
  }

  @Override
  public String toString() {
    return "DeviceRecord[" + key + ", " + sourceId + "]";
  }
}
