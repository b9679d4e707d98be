package dev.tally.testkit.metrics;

import dev.tally.core.agg.Touch;
import dev.tally.core.agg.Touch.Dimension;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The expected acquisition figures, recomputed the obvious way: each device-day's counted events
 * sorted by minute, cut wherever the gap exceeds 30 minutes, each session attributed to its first
 * event (events with page context first, then time, then message-id hash); a device is new on the
 * day of its earliest event. Only {@link Touch#of} (the classification of one event) is shared with
 * the aggregator; the sessions are computed here from scratch.
 *
 * <p>Keys: {@code ACQ|<day>|<dimension>} to {@code sessions:<value>}, {@code orders:<value>},
 * {@code revenue:<value>}; {@code ACQ|<day>|TOTAL} to {@code sessions} and {@code newVisitors}.
 * Zero figures are left out.
 */
public final class AcquisitionOracle {
  private AcquisitionOracle() {}

  public static Map<String, Map<String, Long>> expected(List<List<RawEvent>> batches, ZoneId zone) {
    return expected(batches, zone, "USD");
  }

  /**
   * As {@link #expected(List, ZoneId)}, for a store in {@code currency}: an order in another
   * currency counts as an order but adds no revenue.
   */
  public static Map<String, Map<String, Long>> expected(
      List<List<RawEvent>> batches, ZoneId zone, String currency) {
    Set<String> counted = new HashSet<>();
    Map<String, List<RawEvent>> deviceDays = new TreeMap<>();
    Map<String, LocalDate> firstDay = new HashMap<>();
    for (List<RawEvent> batch : batches) {
      for (RawEvent e : batch) {
        if (!e.isActivity() || !counted.add(e.messageId())) {
          continue;
        }
        LocalDate day = LocalDate.ofInstant(e.at(), zone);
        deviceDays.computeIfAbsent(e.deviceId() + "|" + day, k -> new ArrayList<>()).add(e);
        firstDay.merge(e.deviceId(), day, (a, b) -> a.isBefore(b) ? a : b);
      }
    }
    Map<String, Map<String, Long>> out = new TreeMap<>();
    deviceDays.forEach(
        (key, events) -> {
          LocalDate day = LocalDate.parse(key.substring(key.lastIndexOf('|') + 1));
          events.sort(Comparator.comparing(RawEvent::at));
          List<RawEvent> session = new ArrayList<>();
          int last = -1;
          for (RawEvent e : events) {
            int minute = minute(e, zone);
            if (!session.isEmpty() && minute - last > 30) {
              count(out, day, session, currency);
              session = new ArrayList<>();
            }
            session.add(e);
            last = minute;
          }
          count(out, day, session, currency);
        });
    firstDay.forEach((device, day) -> add(out, "ACQ|" + day + "|TOTAL", "newVisitors", 1));
    return out;
  }

  /**
   * The returning visitors of each day: devices with an event that day and an earlier first day (as
   * GA4 counts them, a device new earlier in a range is returning on its later days).
   */
  public static Map<LocalDate, Set<String>> returning(List<List<RawEvent>> batches, ZoneId zone) {
    Map<String, Set<LocalDate>> days = new HashMap<>();
    for (List<RawEvent> batch : batches) {
      for (RawEvent e : batch) {
        if (e.isActivity()) {
          days.computeIfAbsent(e.deviceId(), k -> new java.util.TreeSet<>())
              .add(LocalDate.ofInstant(e.at(), zone));
        }
      }
    }
    Map<LocalDate, Set<String>> out = new TreeMap<>();
    days.forEach(
        (device, ds) -> {
          LocalDate first = ((java.util.TreeSet<LocalDate>) ds).first();
          for (LocalDate d : ds) {
            if (d.isAfter(first)) {
              out.computeIfAbsent(d, k -> new HashSet<>()).add(device);
            }
          }
        });
    return out;
  }

  private static void count(
      Map<String, Map<String, Long>> out, LocalDate day, List<RawEvent> s, String currency) {
    RawEvent first = null;
    Touch firstTouch = null;
    long orders = 0;
    long revenue = 0;
    for (RawEvent e : s) {
      Touch t = Touch.of(e.toEvent());
      if (first == null || before(e, t, first, firstTouch)) {
        first = e;
        firstTouch = t;
      }
      if (e.type().equals("track") && e.name().equals("Order Completed")) {
        orders++;
        String paid = e.properties().path("currency").asText(currency).toUpperCase();
        revenue +=
            !paid.equals(currency)
                ? 0
                : new BigDecimal(e.properties().path("revenue").asText())
                    .movePointRight(2)
                    .longValueExact();
      }
    }
    add(out, "ACQ|" + day + "|TOTAL", "sessions", 1);
    for (Dimension d : Dimension.values()) {
      String k = "ACQ|" + day + "|" + d.key();
      String v = firstTouch.value(d);
      add(out, k, "sessions:" + v, 1);
      add(out, k, "orders:" + v, orders);
      add(out, k, "revenue:" + v, revenue);
    }
  }

  private static boolean before(RawEvent a, Touch ta, RawEvent b, Touch tb) {
    if (ta.known() != tb.known()) {
      return ta.known();
    }
    if (!a.at().equals(b.at())) {
      return a.at().isBefore(b.at());
    }
    return hash(a.messageId()) < hash(b.messageId());
  }

  private static int minute(RawEvent e, ZoneId zone) {
    LocalTime t = LocalTime.ofInstant(e.at(), zone);
    return t.getHour() * 60 + t.getMinute();
  }

  private static long hash(String messageId) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(messageId.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(d).getLong();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void add(Map<String, Map<String, Long>> out, String key, String attr, long v) {
    if (v != 0) {
      out.computeIfAbsent(key, k -> new TreeMap<>()).merge(attr, v, Long::sum);
    }
  }
}
