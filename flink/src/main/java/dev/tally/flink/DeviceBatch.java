package dev.tally.flink;

import java.util.Arrays;
import java.util.Objects;

/** One device's records, in stream order, applied together by the sink. A Flink POJO. */
public class DeviceBatch {
  /** {@code store#device}. */
  public String key;

  /** In the order the device's records were read. */
  public DeviceRecord[] records;

  public DeviceBatch() {}

  public DeviceBatch(String key, DeviceRecord[] records) {
    this.key = key;
    this.records = records;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeviceBatch b
        && Objects.equals(key, b.key)
        && Arrays.equals(records, b.records);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, Arrays.hashCode(records));
  }

  @Override
  public String toString() {
    return "DeviceBatch[" + key + ", " + (records == null ? 0 : records.length) + " records]";
  }
}
