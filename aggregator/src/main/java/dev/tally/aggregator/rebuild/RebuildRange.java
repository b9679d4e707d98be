package dev.tally.aggregator.rebuild;

import dev.tally.core.agg.Weeks;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.MetricKeys;
import java.time.LocalDate;

/**
 * The days a rebuild re-derives, widened to whole calendar months and then whole weeks (Monday to
 * Sunday), so that the weekly sketches and the weekly and monthly product roll-ups it touches are
 * rebuilt whole; and which items of a store belong to them: day items of people, store shards and
 * sketches, mark pages of those days, product partitions of those days, week sketches and product
 * week roll-ups of those weeks, product month roll-ups of those months, acquisition items of those
 * days, buyers partitions of those days, weeks and months, and first visits dated in those days.
 * Identity links and the customer index (lifetime figures) are not day items: a rebuild adds
 * missing ones and never removes or replaces one.
 */
public record RebuildRange(String store, LocalDate from, LocalDate to) {
  public RebuildRange {
    if (from.isAfter(to)) {
      throw new IllegalArgumentException("--from " + from + " is after --to " + to);
    }
  }

  /** The range widened to whole months, then to whole weeks. */
  public static RebuildRange weeks(String store, LocalDate from, LocalDate to) {
    LocalDate first = from.withDayOfMonth(1);
    LocalDate last = to.withDayOfMonth(to.lengthOfMonth());
    return new RebuildRange(store, Weeks.start(first), Weeks.start(last).plusDays(6));
  }

  public boolean contains(LocalDate d) {
    return !d.isBefore(from) && !d.isAfter(to);
  }

  /**
   * True when the item is one a rebuild of this range replaces: one of its day items, or a first
   * visit dated in it (so a catch-up after the switch finds the visits the rebuild did not see
   * absent, and counts them as new).
   */
  public boolean replaces(Item item) {
    if (item.key().sk().equals(MetricKeys.FIRST_SK)
        && item.key().pk().startsWith(MetricKeys.userPk(store, ""))) {
      Long day = item.numOrNull(MetricKeys.FIRST_DAY);
      return day != null && contains(LocalDate.ofEpochDay(day));
    }
    return replaces(item.key());
  }

  /** True when the key is one of a day item a rebuild of this range replaces. */
  public boolean replaces(ItemKey key) {
    String pk = key.pk();
    String sk = key.sk();
    String prefix = store + "#";
    if (!pk.startsWith(prefix)) {
      return false;
    }
    String rest = pk.substring(prefix.length());
    if (rest.startsWith("USER#")) {
      if (sk.startsWith("DAY#")) {
        return contains(day(sk.substring(4)));
      }
      if (sk.startsWith("MARKS#")) {
        String d = sk.substring(6);
        int hash = d.indexOf('#');
        return contains(day(hash < 0 ? d : d.substring(0, hash)));
      }
      return false;
    }
    if (rest.startsWith("STORE#SHARD#") || rest.startsWith("SKETCH#")) {
      return sk.startsWith("DAY#") && contains(day(sk.substring(4)));
    }
    if (rest.startsWith("SKETCHW#")) {
      return sk.startsWith("WEEK#") && contains(day(sk.substring(5)));
    }
    if (rest.startsWith("PRODUCTS#DAY#")) {
      return contains(day(rest.substring("PRODUCTS#DAY#".length())));
    }
    if (rest.startsWith("PRODUCTS#WEEK#")) {
      LocalDate monday = day(rest.substring("PRODUCTS#WEEK#".length()));
      return contains(monday) && contains(monday.plusDays(6));
    }
    if (rest.startsWith("ACQ#DAY#")) {
      return contains(day(rest.substring("ACQ#DAY#".length())));
    }
    if (rest.startsWith("BUYERS#DAY#")) {
      return contains(day(rest.substring("BUYERS#DAY#".length())));
    }
    if (rest.startsWith("BUYERS#WEEK#")) {
      LocalDate monday = day(rest.substring("BUYERS#WEEK#".length()));
      return contains(monday) && contains(monday.plusDays(6));
    }
    if (rest.startsWith("BUYERS#MONTH#")) {
      LocalDate first = day(rest.substring("BUYERS#MONTH#".length()));
      return contains(first) && contains(first.withDayOfMonth(first.lengthOfMonth()));
    }
    if (rest.startsWith("PRODUCTS#MONTH#")) {
      LocalDate first = day(rest.substring("PRODUCTS#MONTH#".length()));
      return contains(first) && contains(first.withDayOfMonth(first.lengthOfMonth()));
    }
    return false;
  }

  private static LocalDate day(String s) {
    try {
      return LocalDate.parse(s);
    } catch (RuntimeException e) {
      return LocalDate.MIN;
    }
  }
}
