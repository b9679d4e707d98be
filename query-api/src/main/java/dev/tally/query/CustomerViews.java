package dev.tally.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.error.ValidationException;
import dev.tally.core.event.EventHeader;
import dev.tally.core.event.Json;
import dev.tally.core.money.Money;
import dev.tally.core.store.Store;
import dev.tally.query.CustomersReader.Lifetime;
import dev.tally.query.CustomersReader.RangeBuyers;
import dev.tally.query.CustomersReader.Seen;
import dev.tally.query.CustomersReader.Totals;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The customers view ({@code GET /api/v1/customers}): a range's top customers (by the range's
 * revenue) or recent ones (by their last order day in the range), or a search by uid prefix. A
 * customer is a uid (user id, else anonymous id) with at least one completed order; rows are per
 * uid, linked ids are not merged (the drill-down by id merges them).
 */
final class CustomerViews {
  static final int MAX_LIMIT = 100;
  static final int DEFAULT_LIMIT = 20;
  static final List<String> SORTS = List.of("recent", "top");

  private final CustomersReader reader;

  CustomerViews(CustomersReader reader) {
    this.reader = reader;
  }

  /** Routes on the parameters: {@code prefix} searches, otherwise a range list. */
  ObjectNode customers(Store store, Map<String, String> q) {
    String prefix = q.get("prefix");
    if (prefix != null) {
      if (q.get("sort") != null) {
        throw new ValidationException(
            "invalid_sort", "sort applies to range lists; a prefix search is ordered by uid");
      }
      return search(store, prefix, limit(q.get("limit")));
    }
    return list(store, DateRange.parse(q), sort(q.get("sort")), limit(q.get("limit")));
  }

  ObjectNode search(Store store, String prefix, int limit) {
    if (prefix.isEmpty() || prefix.isBlank()) {
      throw new ValidationException("invalid_prefix", "prefix must not be empty");
    }
    if (prefix.length() > EventHeader.MAX_ID_LENGTH) {
      throw new ValidationException(
          "invalid_prefix",
          "prefix is "
              + prefix.length()
              + " characters; at most "
              + EventHeader.MAX_ID_LENGTH
              + " allowed");
    }
    CustomersReader.Found found = reader.search(store.id(), prefix, limit);
    ObjectNode out = Json.mapper().createObjectNode();
    out.put("prefix", prefix);
    out.put("limit", limit);
    out.put("currency", store.currency().getCurrencyCode());
    out.put("more", found.more());
    ArrayNode rows = out.putArray("customers");
    Map<String, Seen> seen = reader.seen(store.id(), found.customers());
    found.customers().forEach((uid, l) -> row(rows, store, uid, l, seen.get(uid), null, null));
    return out;
  }

  ObjectNode list(Store store, DateRange range, String sort, int limit) {
    boolean recent = sort.equals("recent");
    RangeBuyers buyers = reader.range(store.id(), range, recent, limit);
    Comparator<Map.Entry<String, Totals>> byRevenue =
        Comparator.comparing((Map.Entry<String, Totals> e) -> e.getValue().revenue())
            .reversed()
            .thenComparing(Map.Entry::getKey);
    List<Map.Entry<String, Totals>> ranked = new ArrayList<>();
    if (recent) {
      // Only the buyers whose last day is known: the latest ones, read from the range's end.
      buyers
          .lastDay()
          .keySet()
          .forEach(
              uid -> ranked.add(Map.entry(uid, buyers.totals().getOrDefault(uid, Totals.ZERO))));
      ranked.sort(
          Comparator.comparing(
                  (Map.Entry<String, Totals> e) -> buyers.lastDay().get(e.getKey()),
                  Comparator.reverseOrder())
              .thenComparing(byRevenue));
    } else {
      ranked.addAll(buyers.totals().entrySet());
      ranked.sort(byRevenue);
    }
    List<Map.Entry<String, Totals>> top = ranked.subList(0, Math.min(limit, ranked.size()));
    List<String> uids = top.stream().map(Map.Entry::getKey).toList();
    Map<String, Lifetime> lifetimes = new LinkedHashMap<>();
    Map<String, Lifetime> read = reader.lifetimes(store.id(), uids);
    uids.forEach(uid -> lifetimes.put(uid, read.getOrDefault(uid, Lifetime.NONE)));
    Map<String, Seen> seen = reader.seen(store.id(), lifetimes);

    ObjectNode out = Json.mapper().createObjectNode();
    out.put("from", range.from().toString());
    out.put("to", range.to().toString());
    out.put("sort", sort);
    out.put("limit", limit);
    out.put("currency", store.currency().getCurrencyCode());
    out.put("complete", buyers.complete());
    ArrayNode rows = out.putArray("customers");
    for (var e : top) {
      String uid = e.getKey();
      row(rows, store, uid, lifetimes.get(uid), seen.get(uid), e.getValue(), lastDay(buyers, uid));
    }
    return out;
  }

  private static LocalDate lastDay(RangeBuyers buyers, String uid) {
    return buyers.lastDay().get(uid);
  }

  private static void row(
      ArrayNode rows,
      Store store,
      String uid,
      Lifetime l,
      Seen seen,
      Totals inRange,
      LocalDate lastOrderInRange) {
    ObjectNode r = rows.addObject();
    r.put("uid", uid);
    putInstant(r, "firstSeen", seen == null ? null : seen.first());
    putInstant(r, "lastSeen", seen == null ? null : seen.last());
    putDay(r, "firstOrderDay", l.firstOrderDay());
    putDay(r, "lastOrderDay", l.lastOrderDay());
    r.put("ordersCompleted", l.totals().orders());
    r.put("revenue", Money.format(l.totals().revenue(), store.currency()));
    if (inRange != null) {
      r.put("rangeOrdersCompleted", inRange.orders());
      r.put("rangeRevenue", Money.format(inRange.revenue(), store.currency()));
      putDay(r, "rangeLastOrderDay", lastOrderInRange);
    }
  }

  private static void putInstant(ObjectNode n, String field, Long millis) {
    if (millis == null) {
      n.putNull(field);
    } else {
      n.put(field, Instant.ofEpochMilli(millis).toString());
    }
  }

  private static void putDay(ObjectNode n, String field, LocalDate day) {
    if (day == null) {
      n.putNull(field);
    } else {
      n.put(field, day.toString());
    }
  }

  static String sort(String value) {
    if (value == null || value.isBlank()) {
      return "recent";
    }
    if (!SORTS.contains(value)) {
      throw new ValidationException(
          "invalid_sort", "sort '" + value + "' must be one of " + String.join(", ", SORTS));
    }
    return value;
  }

  static int limit(String value) {
    return StoreViews.limit(value, DEFAULT_LIMIT, MAX_LIMIT);
  }
}
