package dev.tally.app.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.Json;
import dev.tally.core.sim.Zipf;
import java.math.BigDecimal;
import java.net.URI;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * The history {@code tally demo} fills the demo store with: weeks of visits shaped like a small
 * shop's, as its storefront would have sent them. About 2–3 % of visitors buy and about a third add
 * something to the cart; weekends and evenings are busier; visitors come from search, ads, social,
 * a newsletter and referrals (referrer and UTM parameters in {@code context.page}) on phones,
 * desktops and tablets; some come back, and buyers often sign in. Nothing is later than {@code
 * now}. Seeded: the same arguments give the same events.
 */
public final class DemoHistory {

  /** One product of the store's catalog, as the storefront describes it in events. */
  public record Product(String id, String name, String brand, BigDecimal price) {
    public Product {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(price, "price");
    }
  }

  /** Where a visit came from: how its landing page's URL and referrer look. */
  private record Source(double weight, String referrer, String utm) {}

  private static final List<Source> SOURCES =
      List.of(
          new Source(0.30, null, null), // direct: typed, bookmarked, an app
          new Source(0.25, "https://www.google.com/", null),
          new Source(0.03, "https://www.bing.com/", null),
          new Source(
              0.12,
              "https://www.google.com/",
              "utm_source=google&utm_medium=cpc&utm_campaign=autumn-prints"),
          new Source(
              0.12,
              "https://l.instagram.com/",
              "utm_source=instagram&utm_medium=social&utm_campaign=new-arrivals"),
          new Source(
              0.10, null, "utm_source=newsletter&utm_medium=email&utm_campaign=weekly-digest"),
          new Source(0.05, "https://www.apartmenttherapy.com/small-space-art-ideas", null),
          new Source(0.03, "https://www.pinterest.com/", null));

  private static final double[] SOURCE_WEIGHTS =
      SOURCES.stream().mapToDouble(Source::weight).toArray();

  private static final List<String> PHONES =
      List.of(
          "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
              + " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
          "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
              + " Chrome/126.0.0.0 Mobile Safari/537.36");
  private static final List<String> DESKTOPS =
      List.of(
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like"
              + " Gecko) Version/17.5 Safari/605.1.15",
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
              + " Chrome/126.0.0.0 Safari/537.36");
  private static final String TABLET =
      "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
          + " Version/17.5 Mobile/15E148 Safari/604.1";

  /** Share of a day's visits that start in each UTC hour: quiet nights, busy evenings. */
  private static final double[] HOURS = {
    1.0, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 2.2, 2.8, 3.2, 3.6, //
    4.2, 4.0, 3.7, 3.6, 3.8, 4.2, 5.0, 5.8, 6.2, 5.6, 4.2, 2.4
  };

  private final long seed;
  private final int days;
  private final int visitsPerWeekday;
  private final Instant now;
  private final List<Product> catalog;
  private final URI base;

  /**
   * @param days days of history, today (up to {@code now}) included
   * @param visitsPerWeekday visits on an average weekday (weekends have about a quarter more)
   * @param base the storefront's origin, for page URLs and image URLs
   */
  public DemoHistory(
      long seed, int days, int visitsPerWeekday, Instant now, List<Product> catalog, URI base) {
    if (days < 1 || visitsPerWeekday < 1 || catalog.isEmpty()) {
      throw new IllegalArgumentException("need at least one day, one visit and one product");
    }
    this.seed = seed;
    this.days = days;
    this.visitsPerWeekday = visitsPerWeekday;
    this.now = now;
    this.catalog = List.copyOf(catalog);
    this.base = base;
  }

  /** A visitor's lasting traits: their browser id, device and, once signed in, user id. */
  private static final class Visitor {
    final String anonymousId;
    final String userAgent;
    String userId;

    Visitor(String anonymousId, String userAgent) {
      this.anonymousId = anonymousId;
      this.userAgent = userAgent;
    }
  }

  /** All events, ordered by time. */
  public List<ObjectNode> generate() {
    Random rnd = new Random(seed);
    double[] zipf = Zipf.cdf(catalog.size(), 1.05);
    List<Visitor> seen = new ArrayList<>();
    List<ObjectNode> out = new ArrayList<>();
    int[] seq = {0};
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    for (int d = days - 1; d >= 0; d--) {
      LocalDate day = today.minusDays(d);
      double weekend =
          day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY
              ? 1.25
              : 1.0;
      double growth = 0.9 + 0.2 * (days - d) / days;
      double noise = 0.85 + 0.3 * rnd.nextDouble();
      int visits = (int) Math.round(visitsPerWeekday * weekend * growth * noise);
      for (int v = 0; v < visits; v++) {
        Instant start =
            day.atStartOfDay(ZoneOffset.UTC)
                .toInstant()
                .plus(Duration.ofHours(pickIndex(HOURS, rnd)))
                .plusSeconds(rnd.nextInt(3_600));
        if (start.isAfter(now.minusSeconds(60))) {
          continue; // the rest of today has not happened yet
        }
        Visitor who;
        if (!seen.isEmpty() && rnd.nextDouble() < 0.3) {
          who = seen.get(rnd.nextInt(seen.size()));
        } else {
          who = new Visitor("v-" + seed + "-" + seen.size(), device(rnd));
          seen.add(who);
        }
        visit(rnd, zipf, who, start, out, seq);
      }
    }
    out.removeIf(e -> Instant.parse(e.get("timestamp").asText()).isAfter(now));
    out.sort(Comparator.comparing(e -> Instant.parse(e.get("timestamp").asText())));
    return out;
  }

  private void visit(
      Random rnd, double[] zipf, Visitor who, Instant start, List<ObjectNode> out, int[] seq) {
    Source source = SOURCES.get(pickIndex(SOURCE_WEIGHTS, rnd));
    Instant t = start;
    boolean returning = who.userId != null || rnd.nextDouble() < 0.1;
    // Landing page: the home page, or a product straight from an ad, a post or a search.
    int first = Zipf.pick(zipf, rnd);
    boolean landsOnProduct = source.utm() != null || rnd.nextDouble() < 0.35;
    String landing = landsOnProduct ? productPath(catalog.get(first)) : "/store/";
    out.add(page(who, t, landing, source, seq));
    // Products viewed: the landing product, then a few more for some visitors.
    List<Product> viewed = new ArrayList<>();
    if (landsOnProduct) {
      viewed.add(catalog.get(first));
    }
    if (rnd.nextDouble() < (landsOnProduct ? 0.4 : 0.6)) {
      for (int more = 1 + rnd.nextInt(3); more > 0; more--) {
        viewed.add(catalog.get(Zipf.pick(zipf, rnd)));
      }
    }
    List<Product> cart = new ArrayList<>();
    double addChance = returning ? 0.3 : 0.22;
    for (int v = 0; v < viewed.size(); v++) {
      Product p = viewed.get(v);
      t = t.plusSeconds(8 + rnd.nextInt(90));
      if (v > 0 || !landsOnProduct) {
        out.add(page(who, t, productPath(p), null, seq));
      }
      out.add(track(who, t.plusMillis(300), "Product Viewed", product(p, 1), seq));
      if (rnd.nextDouble() < addChance) {
        t = t.plusSeconds(5 + rnd.nextInt(40));
        out.add(track(who, t, "Product Added", product(p, 1), seq));
        cart.add(p);
      }
    }
    if (cart.isEmpty()) {
      return;
    }
    t = t.plusSeconds(20 + rnd.nextInt(60));
    out.add(page(who, t, "/store/cart.html", null, seq));
    out.add(track(who, t.plusMillis(200), "Cart Viewed", cartProps(cart), seq));
    if (rnd.nextDouble() >= 0.35) {
      return;
    }
    if (who.userId == null && rnd.nextDouble() < 0.6) {
      t = t.plusSeconds(30);
      String n = who.anonymousId.substring(who.anonymousId.lastIndexOf('-') + 1);
      who.userId = "customer-" + n;
      ObjectNode id = base("identify", who, t, seq);
      id.putObject("traits").put("name", "Demo customer " + n);
      out.add(id);
    }
    t = t.plusSeconds(15 + rnd.nextInt(45));
    out.add(page(who, t, "/store/checkout.html", null, seq));
    out.add(track(who, t.plusMillis(200), "Checkout Started", cartProps(cart), seq));
    if (rnd.nextDouble() >= 0.2) {
      return;
    }
    t = t.plusSeconds(60 + rnd.nextInt(180));
    ObjectNode order = cartProps(cart);
    String orderId = "D" + seed + "-" + seq[0];
    order.put("order_id", orderId);
    out.add(track(who, t, "Order Completed", order, seq));
    if (rnd.nextDouble() < 0.04) {
      // A refund from the shop's server a few days later (only if that day has come).
      Instant at = t.plus(Duration.ofDays(2 + rnd.nextInt(4)));
      ObjectNode refund = order.deepCopy();
      ObjectNode e = base("track", who, at, seq);
      e.put("event", "Order Refunded");
      e.set("properties", refund);
      out.add(e);
    }
  }

  private String device(Random rnd) {
    double u = rnd.nextDouble();
    if (u < 0.6) {
      return PHONES.get(rnd.nextInt(PHONES.size()));
    }
    return u < 0.95 ? DESKTOPS.get(rnd.nextInt(DESKTOPS.size())) : TABLET;
  }

  private static String productPath(Product p) {
    return "/store/product.html?id=" + p.id();
  }

  private ObjectNode product(Product p, int quantity) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("product_id", p.id());
    n.put("name", p.name());
    if (p.brand() != null) {
      n.put("brand", p.brand());
    }
    n.put("price", p.price());
    n.put("quantity", quantity);
    n.put("currency", "USD");
    n.put("image_url", base.resolve("/store/api/products/" + p.id() + "/image.svg").toString());
    n.put("url", base.resolve(productPath(p)).toString());
    return n;
  }

  private ObjectNode cartProps(List<Product> cart) {
    ObjectNode props = Json.mapper().createObjectNode();
    ArrayNode lines = props.putArray("products");
    BigDecimal total = BigDecimal.ZERO;
    for (Product p : cart) {
      lines.add(product(p, 1));
      total = total.add(p.price());
    }
    props.put("revenue", total);
    props.put("currency", "USD");
    return props;
  }

  private ObjectNode page(Visitor who, Instant t, String pathAndQuery, Source from, int[] seq) {
    ObjectNode n = base("page", who, t, seq);
    String query = from == null || from.utm() == null ? "" : from.utm();
    String url = base.resolve(pathAndQuery).toString();
    if (!query.isEmpty()) {
      url += (pathAndQuery.contains("?") ? "&" : "?") + query;
    }
    URI u = URI.create(url);
    ObjectNode props = n.putObject("properties");
    props.put("path", u.getPath());
    props.put("url", url);
    props.put("search", u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    ObjectNode page = ((ObjectNode) n.get("context")).putObject("page");
    page.put("path", u.getPath());
    page.put("url", url);
    page.put("search", props.get("search").asText());
    if (from != null && from.referrer() != null) {
      props.put("referrer", from.referrer());
      page.put("referrer", from.referrer());
    }
    return n;
  }

  private ObjectNode track(Visitor who, Instant t, String event, ObjectNode props, int[] seq) {
    ObjectNode n = base("track", who, t, seq);
    n.put("event", event);
    n.set("properties", props);
    return n;
  }

  private ObjectNode base(String type, Visitor who, Instant t, int[] seq) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("type", type);
    n.put("messageId", "demo-" + seed + "-" + seq[0]++);
    n.put("anonymousId", who.anonymousId);
    if (who.userId != null) {
      n.put("userId", who.userId);
    }
    n.put("timestamp", t.toString());
    n.putObject("context").put("userAgent", who.userAgent);
    return n;
  }

  private static int pickIndex(double[] weights, Random rnd) {
    double sum = 0;
    for (double w : weights) {
      sum += w;
    }
    double u = rnd.nextDouble() * sum;
    for (int i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }
}
