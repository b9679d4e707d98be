package dev.tally.core.agg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.event.Event;
import dev.tally.core.event.Props;
import dev.tally.core.event.TrackEvent;
import dev.tally.core.store.Store;
import dev.tally.core.time.DayBucketer;
import java.net.URI;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the store's events say a product is called and looks like (Segment's {@code name} and {@code
 * image_url} product properties). Several events may disagree (a renamed product); the one kept is
 * the greatest by (day, name, image URL), so the result depends only on the set of events, not on
 * the order or batches they were counted in.
 *
 * @param day the store-local epoch day of the event that said so
 * @param imageUrl an http(s) URL, or null (anything else is dropped: it is shown to merchants)
 */
public record CatalogEntry(String productId, long day, String name, String imageUrl)
    implements Comparable<CatalogEntry> {
  /** Longest name kept (longer names are cut, not refused: the event itself is fine). */
  public static final int MAX_NAME = 200;

  /** Longest image URL kept. */
  public static final int MAX_IMAGE_URL = 1_000;

  private static final Comparator<CatalogEntry> ORDER =
      Comparator.comparingLong(CatalogEntry::day)
          .thenComparing(CatalogEntry::name)
          .thenComparing(e -> e.imageUrl() == null ? "" : e.imageUrl());

  public CatalogEntry {
    Objects.requireNonNull(productId, "productId");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public int compareTo(CatalogEntry o) {
    return ORDER.compare(this, o);
  }

  /** The greatest entry per product that these events carry (events without a name carry none). */
  public static Map<String, CatalogEntry> of(Store store, List<Event> events) {
    Map<String, CatalogEntry> out = new HashMap<>();
    for (Event e : events) {
      if (!(e instanceof TrackEvent t)) {
        continue;
      }
      long day = DayBucketer.day(t.header().timestamp(), store.timezone()).toEpochDay();
      Props p = t.properties();
      add(out, day, p.get("product_id"), p.get("sku"), p.get("name"), p.get("image_url"));
      JsonNode lines = p.get("products");
      if (lines != null && lines.isArray()) {
        for (JsonNode line : lines) {
          add(
              out,
              day,
              line.get("product_id"),
              line.get("sku"),
              line.get("name"),
              line.get("image_url"));
        }
      }
    }
    return out;
  }

  private static void add(
      Map<String, CatalogEntry> out,
      long day,
      JsonNode productId,
      JsonNode sku,
      JsonNode name,
      JsonNode image) {
    String id = text(productId) != null ? text(productId) : text(sku);
    String n = text(name);
    if (id == null || n == null) {
      return;
    }
    if (n.length() > MAX_NAME) {
      n = n.substring(0, MAX_NAME);
    }
    CatalogEntry entry = new CatalogEntry(id, day, n, safeImage(text(image)));
    out.merge(id, entry, (a, b) -> a.compareTo(b) >= 0 ? a : b);
  }

  private static String text(JsonNode v) {
    if (v == null || !(v.isTextual() || v.isIntegralNumber())) {
      return null;
    }
    String s = v.asText().strip();
    return s.isEmpty() ? null : s;
  }

  /** An absolute http(s) URL without credentials, or null. */
  static String safeImage(String url) {
    if (url == null || url.length() > MAX_IMAGE_URL) {
      return null;
    }
    try {
      URI u = URI.create(url);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("https") || scheme.equals("http"))
          && u.getHost() != null
          && u.getUserInfo() == null) {
        return u.toString();
      }
    } catch (IllegalArgumentException e) {
      // not a URL
    }
    return null;
  }
}
