package dev.tally.core.agg;

import dev.tally.core.agg.Touch.Dimension;
import dev.tally.core.event.Ecommerce;
import dev.tally.core.event.Event;
import dev.tally.core.event.TrackEvent;
import dev.tally.core.store.Store;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The sessions of one device on one store-local day. A session is a run of active minutes with no
 * gap longer than {@link #GAP_MINUTES}; it also ends at the store's midnight, as Universal
 * Analytics' sessions did, so a device-day's sessions depend on that device-day's events alone. A
 * session is attributed to its first event (page events before server-side ones, then time, then
 * message-id hash), and keeps the labels it was counted under.
 *
 * <p>Adding hits in any order gives the same sessions: a hit joins every session within the gap of
 * it (bridging them), and a session's first event is the least of its events. So the stored
 * counters, which the writer changes by {@link #diff} of the state before and after, end equal
 * however events are batched or redelivered.
 */
public final class Sessions {
  /** Minutes of inactivity after which the next event starts a new session. */
  public static final int GAP_MINUTES = 30;

  private static final Sessions EMPTY = new Sessions(List.of());

  /**
   * One counted event.
   *
   * @param minute store-local minute of the day (0–1439)
   * @param at epoch millis
   * @param tie the event's message-id hash, to order events of the same millisecond
   * @param orders 1 for a completed order, else 0
   * @param revenue the order's revenue in the store's minor units (0 when none or converted)
   */
  public record Hit(
      int minute,
      long at,
      long tie,
      boolean known,
      java.util.function.Supplier<Touch> touch,
      long orders,
      long revenue) {
    public Hit {
      Objects.requireNonNull(touch, "touch");
    }

    /** A hit whose touch is already known. */
    public Hit(int minute, long at, long tie, Touch touch, long orders, long revenue) {
      this(minute, at, tie, touch.known(), () -> touch, orders, revenue);
    }
  }

  /**
   * One session: its first and last active minute, its first event and the labels it is counted
   * under (one per {@link Dimension}, in their order), and the orders and revenue inside it.
   */
  public record Session(
      int start,
      int end,
      long firstAt,
      boolean firstKnown,
      long firstTie,
      List<String> labels,
      long orders,
      long revenue) {
    public Session {
      labels = List.copyOf(labels);
    }

    /** Whether this session's first event comes before the other's. */
    boolean firstBefore(Session o) {
      return ORDER.compare(this, o) < 0;
    }
  }

  private static final Comparator<Session> ORDER =
      Comparator.comparing((Session s) -> !s.firstKnown())
          .thenComparingLong(Session::firstAt)
          .thenComparingLong(Session::firstTie);

  /** Turns a dimension's value into the label a new session is counted under. */
  @FunctionalInterface
  public interface Labeller {
    String label(Dimension d, String value);

    /** Every value is its own label. */
    Labeller IDENTITY = (d, v) -> v;
  }

  /** A place a session is counted: a dimension and a label of it. */
  public record Cell(Dimension dimension, String label) {}

  private final List<Session> list;

  private Sessions(List<Session> list) {
    this.list = list;
  }

  public static Sessions empty() {
    return EMPTY;
  }

  /** The sessions, by start minute. */
  public List<Session> list() {
    return list;
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }

  /** The store-local minute of the day of {@code at}. */
  public static int minuteOfDay(Instant at, ZoneId zone) {
    LocalTime t = LocalTime.ofInstant(at, zone);
    return t.getHour() * 60 + t.getMinute();
  }

  /** The hit of one counted event; {@code tie} is its exactly-once mark. */
  public static Hit hit(Event e, Store store, long tie) {
    Instant at = e.header().timestamp();
    long orders = 0;
    long revenue = 0;
    if (e instanceof TrackEvent t && t.event().equals(Ecommerce.ORDER_COMPLETED)) {
      orders = 1;
      Currency c = OrderMath.currencyOf(t.properties(), store.currency());
      if (c.equals(store.currency())) {
        revenue = OrderMath.revenueMinor(t.properties(), c);
      }
    }
    // Most events fall inside a session whose first event came earlier: their touch is never
    // needed, so it is only parsed when the event becomes a session's first.
    return new Hit(
        minuteOfDay(at, store.timezone()),
        at.toEpochMilli(),
        tie,
        Touch.hasContext(e),
        () -> Touch.of(e),
        orders,
        revenue);
  }

  /** These sessions with one more event in them. */
  public Sessions with(Hit h, Labeller labeller) {
    List<Session> out = new ArrayList<>(list.size() + 1);
    Session hit =
        new Session(
            h.minute(), h.minute(), h.at(), h.known(), h.tie(), List.of(), h.orders(), h.revenue());
    Session first = hit;
    int start = h.minute();
    int end = h.minute();
    long orders = h.orders();
    long revenue = h.revenue();
    for (Session s : list) {
      if (s.end() >= h.minute() - GAP_MINUTES && s.start() <= h.minute() + GAP_MINUTES) {
        start = Math.min(start, s.start());
        end = Math.max(end, s.end());
        orders += s.orders();
        revenue += s.revenue();
        if (s.firstBefore(first)) {
          first = s;
        }
      } else {
        out.add(s);
      }
    }
    List<String> labels = first == hit ? labels(h.touch().get(), labeller) : first.labels();
    out.add(
        new Session(
            start,
            end,
            first.firstAt(),
            first.firstKnown(),
            first.firstTie(),
            labels,
            orders,
            revenue));
    out.sort(Comparator.comparingInt(Session::start));
    return new Sessions(List.copyOf(out));
  }

  private static List<String> labels(Touch t, Labeller labeller) {
    List<String> out = new ArrayList<>(Dimension.values().length);
    for (Dimension d : Dimension.values()) {
      out.add(labeller.label(d, t.value(d)));
    }
    return out;
  }

  /**
   * What changed from {@code before} to {@code after}, per cell: {sessions, orders, revenue}. A
   * session that only grew longer changes nothing; one that merged or found an earlier first moves
   * from its old labels to its new ones. Cells that net to zero are left out.
   */
  public static Map<Cell, long[]> diff(Sessions before, Sessions after) {
    Set<Session> old = new HashSet<>(before.list);
    Set<Session> now = new HashSet<>(after.list);
    Map<Cell, long[]> out = new LinkedHashMap<>();
    for (Session s : before.list) {
      if (!now.contains(s)) {
        count(out, s, -1);
      }
    }
    for (Session s : after.list) {
      if (!old.contains(s)) {
        count(out, s, 1);
      }
    }
    out.values().removeIf(v -> v[0] == 0 && v[1] == 0 && v[2] == 0);
    return out;
  }

  private static void count(Map<Cell, long[]> out, Session s, int sign) {
    Dimension[] dims = Dimension.values();
    for (int i = 0; i < dims.length && i < s.labels().size(); i++) {
      long[] v = out.computeIfAbsent(new Cell(dims[i], s.labels().get(i)), c -> new long[3]);
      v[0] += sign;
      v[1] += sign * s.orders();
      v[2] += sign * s.revenue();
    }
  }

  // Labels are cleaned of control characters (Touch), so these two can separate them.
  private static final char FIELD = '\u001f';
  private static final char RECORD = '\u001e';

  /**
   * The stored form: sessions separated by U+001E, their fields (start, end, first time, whether
   * the first had page context, its tie, orders, revenue, then the labels) by U+001F. Compact and
   * quick to read back, since the writer decodes and re-encodes it whenever a chunk touches the
   * device-day.
   */
  public String encode() {
    StringBuilder b = new StringBuilder(list.size() * 96);
    for (Session s : list) {
      if (b.length() > 0) {
        b.append(RECORD);
      }
      b.append(s.start()).append(FIELD).append(s.end()).append(FIELD).append(s.firstAt());
      b.append(FIELD).append(s.firstKnown() ? 1 : 0).append(FIELD).append(s.firstTie());
      b.append(FIELD).append(s.orders()).append(FIELD).append(s.revenue());
      for (String l : s.labels()) {
        b.append(FIELD).append(l);
      }
    }
    return b.toString();
  }

  /**
   * The sessions stored as {@link #encode} wrote them; null or blank is none.
   *
   * @throws IllegalArgumentException when the text is not that form
   */
  public static Sessions decode(String stored) {
    if (stored == null || stored.isBlank()) {
      return EMPTY;
    }
    try {
      List<Session> out = new ArrayList<>();
      for (String record : split(stored, RECORD)) {
        List<String> f = split(record, FIELD);
        if (f.size() < 7) {
          throw new IllegalArgumentException("a session has " + f.size() + " fields");
        }
        out.add(
            new Session(
                Integer.parseInt(f.get(0)),
                Integer.parseInt(f.get(1)),
                Long.parseLong(f.get(2)),
                f.get(3).equals("1"),
                Long.parseLong(f.get(4)),
                f.subList(7, f.size()),
                Long.parseLong(f.get(5)),
                Long.parseLong(f.get(6))));
      }
      out.sort(Comparator.comparingInt(Session::start));
      return new Sessions(List.copyOf(out));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a stored session list: " + e.getMessage(), e);
    }
  }

  private static List<String> split(String s, char sep) {
    List<String> out = new ArrayList<>();
    int from = 0;
    for (int i = s.indexOf(sep); i >= 0; i = s.indexOf(sep, from)) {
      out.add(s.substring(from, i));
      from = i + 1;
    }
    out.add(s.substring(from));
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Sessions s && s.list.equals(list);
  }

  @Override
  public int hashCode() {
    return list.hashCode();
  }

  @Override
  public String toString() {
    return encode();
  }
}
