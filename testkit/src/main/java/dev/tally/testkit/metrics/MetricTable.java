package dev.tally.testkit.metrics;

import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Item;
import dev.tally.core.item.MetricKeys;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Reads every metrics item back into the {@link Oracle}'s shape, summing store-day shards. */
public final class MetricTable {
  /** Bookkeeping attributes that are not metrics. */
  private static final Set<String> INTERNAL =
      Set.of(MetricKeys.SEEN, MetricKeys.VERSION, MetricKeys.MARK_PAGES);

  private MetricTable() {}

  public static Map<String, Map<String, Long>> read(List<Item> items, String store) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    for (Item item : items) {
      String pk = item.key().pk();
      String sk = item.key().sk();
      String key;
      if (pk.startsWith(store + "#USER#") && !sk.startsWith("DAY#")) {
        continue; // spill pages of marks: bookkeeping, not metrics
      } else if (pk.startsWith(store + "#USER#")) {
        key = "USER|" + pk.substring((store + "#USER#").length()) + "|" + day(sk);
      } else if (pk.startsWith(store + "#CUSTOMERS#")) {
        key = "CUSTOMER|" + MetricKeys.uidOfCustomerSk(sk);
      } else if (pk.startsWith(store + "#BUYERS#DAY#")) {
        key =
            "BUYERS|"
                + MetricKeys.uidOfCustomerSk(sk)
                + "|"
                + pk.substring((store + "#BUYERS#DAY#").length());
      } else if (pk.startsWith(store + "#STORE#SHARD#")) {
        key = "STORE|" + day(sk);
      } else if (pk.startsWith(store + "#PRODUCTS#DAY#")) {
        // Bucket items hold "counter:productId" attributes; spread them back out per product.
        String day = pk.substring((store + "#PRODUCTS#DAY#").length());
        for (Map.Entry<String, AttrValue> a : item.attrs().entrySet()) {
          String[] cp = MetricKeys.parseProductAttribute(a.getKey());
          if (cp != null && a.getValue() instanceof AttrValue.Num n) {
            out.computeIfAbsent("PRODUCT|" + cp[1] + "|" + day, k -> new TreeMap<>())
                .merge(cp[0], n.value(), Long::sum);
          }
        }
        continue;
      } else {
        continue;
      }
      Map<String, Long> m = out.computeIfAbsent(key, k -> new TreeMap<>());
      for (Map.Entry<String, AttrValue> a : item.attrs().entrySet()) {
        if (!INTERNAL.contains(a.getKey()) && a.getValue() instanceof AttrValue.Num n) {
          long v = n.value();
          if (v != 0 || !key.startsWith("STORE|")) {
            m.merge(a.getKey(), v, Long::sum);
          }
        }
      }
    }
    return out;
  }

  /**
   * The stored acquisition items, keyed as {@link AcquisitionOracle} keys them ({@code
   * ACQ|<day>|<dimension or TOTAL>}); zero figures (a session that moved to another label) are left
   * out.
   */
  public static Map<String, Map<String, Long>> acquisition(List<Item> items, String store) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    for (Item item : items) {
      String pk = item.key().pk();
      String prefix;
      if (pk.startsWith(store + "#ACQ#DAY#")) {
        prefix = "ACQ|" + pk.substring((store + "#ACQ#DAY#").length());
      } else {
        continue;
      }
      String sk = item.key().sk();
      String key = prefix + "|" + (sk.startsWith("DIM#") ? sk.substring(4) : sk);
      for (Map.Entry<String, AttrValue> a : item.attrs().entrySet()) {
        if (a.getValue() instanceof AttrValue.Num n && n.value() != 0) {
          out.computeIfAbsent(key, k -> new TreeMap<>()).merge(a.getKey(), n.value(), Long::sum);
        }
      }
    }
    return out;
  }

  /**
   * The stored links as "anon→user" strings: from the alias items, and (prefixed "via-user:") from
   * the per-user LINKS partitions the query side reads; both must agree.
   */
  public static List<String> links(List<Item> items, String store) {
    List<String> out = new ArrayList<>();
    for (Item item : items) {
      String pk = item.key().pk();
      if (pk.startsWith(store + "#ALIAS#")) {
        out.add(pk.substring((store + "#ALIAS#").length()) + "→" + item.str(MetricKeys.USER_ID));
      } else if (pk.startsWith(store + "#LINKS#")) {
        out.add(
            "via-user:"
                + item.key().sk().substring("ANON#".length())
                + "→"
                + pk.substring((store + "#LINKS#").length()));
      }
    }
    Collections.sort(out);
    return out;
  }

  private static String day(String sk) {
    return sk.substring("DAY#".length());
  }
}
