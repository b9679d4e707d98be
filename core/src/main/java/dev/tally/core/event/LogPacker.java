package dev.tally.core.event;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/** Packs events into as few log entries as fit a size limit, optionally grouped by a key. */
public final class LogPacker {
  /** Room left for the entry's own fields and JSON punctuation. */
  private static final int OVERHEAD = 256;

  private LogPacker() {}

  /** A packed entry and its group key (for example a Kinesis partition key). */
  public record Packed(String groupKey, LogEntry entry) {}

  public static List<Packed> pack(
      String storeId, List<Event> events, int maxEntryBytes, Function<Event, String> groupKey) {
    Map<String, List<Event>> groups = new LinkedHashMap<>();
    for (Event e : events) {
      groups.computeIfAbsent(groupKey.apply(e), k -> new ArrayList<>()).add(e);
    }
    List<Packed> out = new ArrayList<>();
    for (var g : groups.entrySet()) {
      List<Event> current = new ArrayList<>();
      int size = OVERHEAD;
      for (Event e : g.getValue()) {
        int n = EventCodec.toJson(e).toString().getBytes(StandardCharsets.UTF_8).length + 1;
        if (!current.isEmpty() && size + n > maxEntryBytes) {
          out.add(new Packed(g.getKey(), new LogEntry(newId(), storeId, current)));
          current = new ArrayList<>();
          size = OVERHEAD;
        }
        current.add(e);
        size += n;
      }
      if (!current.isEmpty()) {
        out.add(new Packed(g.getKey(), new LogEntry(newId(), storeId, current)));
      }
    }
    return out;
  }

  /** Packs without grouping. */
  public static List<LogEntry> pack(String storeId, List<Event> events, int maxEntryBytes) {
    return pack(storeId, events, maxEntryBytes, e -> "").stream().map(Packed::entry).toList();
  }

  private static String newId() {
    return UUID.randomUUID().toString();
  }
}
