package dev.tally.bench.peers;

import dev.tally.core.agg.OrderMath;
import dev.tally.core.event.Event;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * One chunk of events as the CSV rows of the SQL peers' two tables (strings quoted, null empty).
 */
record Csv(String events, String lines, int rows) {
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

  static Csv of(List<Event> chunk) {
    StringBuilder ev = new StringBuilder(chunk.size() * 160);
    StringBuilder li = new StringBuilder();
    for (Event e : chunk) {
      PeerWorkload.Row r = PeerWorkload.Row.of(e);
      str(ev, r.messageId()).append(',');
      str(ev, r.type()).append(',');
      str(ev, r.event()).append(',');
      str(ev, r.anonymousId()).append(',');
      str(ev, r.userId()).append(',');
      str(ev, r.deviceId()).append(',');
      ev.append(TS.format(LocalDateTime.ofInstant(r.at(), ZoneOffset.UTC))).append(',');
      ev.append(r.day()).append(',');
      str(ev, r.productId()).append(',');
      ev.append(r.revenueMinor()).append('\n');
      for (OrderMath.Line l : r.lines()) {
        if (l.productId() == null) {
          continue;
        }
        str(li, r.messageId()).append(',');
        li.append(r.day()).append(',');
        str(li, l.productId()).append(',');
        li.append(l.quantity()).append(',');
        li.append(l.revenueMinor()).append('\n');
      }
    }
    return new Csv(ev.toString(), li.toString(), chunk.size());
  }

  private static StringBuilder str(StringBuilder b, String s) {
    if (s == null) {
      return b;
    }
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        b.append('"');
      }
      b.append(c);
    }
    return b.append('"');
  }
}
