package dev.tally.flink;

import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Turns each log record into one record per device, keyed {@code store#device}, so the job can key
 * by device. Ingest's Kinesis publisher already writes one device per record; an entry that holds
 * several (packed elsewhere) is split into entries with derived, stable ids. A record that cannot
 * be decoded passes through under its partition key: the sink's {@code LogBatch} dead-letters it,
 * exactly as the Lambda handler does.
 */
public final class SplitByDevice implements FlatMapFunction<LogRecord, DeviceRecord> {
  private static final long serialVersionUID = 1L;

  @Override
  public void flatMap(LogRecord record, Collector<DeviceRecord> out) {
    LogEntry entry;
    try {
      entry = EventCodec.decode(record.data);
    } catch (IllegalArgumentException poison) {
      out.collect(new DeviceRecord(poisonKey(record), record.sourceId, record.data));
      return;
    }
    split(entry, record.sourceId, record.data, out);
  }

  /**
   * Emits {@code entry} (whose encoding is {@code body}) as one record per device: as it is when it
   * holds one device's events, else as entries with derived, stable ids. The batch rebuild splits
   * the archive's entries the same way.
   */
  static void split(LogEntry entry, String sourceId, byte[] body, Collector<DeviceRecord> out) {
    Map<String, List<Event>> byDevice = new LinkedHashMap<>();
    for (Event e : entry.events()) {
      byDevice.computeIfAbsent(e.header().deviceId(), d -> new ArrayList<>()).add(e);
    }
    if (byDevice.size() == 1) {
      String device = byDevice.keySet().iterator().next();
      out.collect(new DeviceRecord(key(entry.storeId(), device), sourceId, body));
      return;
    }
    for (var d : byDevice.entrySet()) {
      LogEntry part = new LogEntry(entry.id() + "#" + d.getKey(), entry.storeId(), d.getValue());
      out.collect(
          new DeviceRecord(
              key(entry.storeId(), d.getKey()),
              sourceId + "#" + d.getKey(),
              EventCodec.encode(part)));
    }
  }

  /** The key the job groups by: store and device, as ingest's partition key. */
  static String key(String storeId, String deviceId) {
    return storeId + "#" + deviceId;
  }

  private static String poisonKey(LogRecord r) {
    return r.partitionKey == null || r.partitionKey.isBlank() ? "?" : r.partitionKey;
  }
}
