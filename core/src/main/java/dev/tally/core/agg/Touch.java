package dev.tally.core.agg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.event.Event;
import dev.tally.core.event.PageEvent;
import dev.tally.core.event.Props;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where one event says its visit came from: traffic source and medium, campaign, landing page and
 * device class, read from the page URL's UTM parameters (or Segment's {@code context.campaign}),
 * the referrer and the user agent. A session is attributed to the touch of its first event.
 *
 * @param known whether the event carried any page, referrer or campaign at all; a server-side event
 *     without them does not speak for its session when a browser event does
 */
public record Touch(
    String source,
    String medium,
    String campaign,
    String landingPage,
    String deviceClass,
    boolean known) {

  /** Longest value kept for any dimension; longer values are cut. */
  public static final int MAX_VALUE_LENGTH = 100;

  public static final String DIRECT = "(direct)";
  public static final String NONE = "(none)";
  public static final String NOT_SET = "(not set)";

  /** The label of values past a day's {@link #MAX_LABELS_PER_DAY} for a dimension. */
  public static final String OTHER = "(other)";

  /**
   * Distinct values one dimension keeps per store-day; later new values that day count under {@link
   * #OTHER}, so an acquisition item stays small however long the tail. Totals stay exact; which
   * values make the cut on a day that overflows depends on arrival order.
   */
  public static final int MAX_LABELS_PER_DAY = 50;

  private static final List<String[]> SEARCH =
      List.of(
          new String[] {"google", "google"},
          new String[] {"bing.com", "bing"},
          new String[] {"duckduckgo.com", "duckduckgo"},
          new String[] {"yahoo", "yahoo"},
          new String[] {"yandex", "yandex"},
          new String[] {"baidu.com", "baidu"},
          new String[] {"ecosia.org", "ecosia"},
          new String[] {"search.brave.com", "brave"});

  private static final List<String[]> SOCIAL =
      List.of(
          new String[] {"facebook.com", "facebook"},
          new String[] {"instagram.com", "instagram"},
          new String[] {"t.co", "twitter"},
          new String[] {"twitter.com", "twitter"},
          new String[] {"x.com", "twitter"},
          new String[] {"linkedin.com", "linkedin"},
          new String[] {"lnkd.in", "linkedin"},
          new String[] {"pinterest", "pinterest"},
          new String[] {"reddit.com", "reddit"},
          new String[] {"tiktok.com", "tiktok"},
          new String[] {"youtube.com", "youtube"});

  public Touch {
    source = clean(source);
    medium = clean(medium);
    campaign = clean(campaign);
    landingPage = clean(landingPage);
    deviceClass = clean(deviceClass);
  }

  /** The value of one dimension. */
  public String value(Dimension d) {
    return switch (d) {
      case SOURCE -> source + " / " + medium;
      case CAMPAIGN -> campaign;
      case LANDING_PAGE -> landingPage;
      case DEVICE -> deviceClass;
    };
  }

  /** The dimensions a session is counted under. */
  public enum Dimension {
    SOURCE("source"),
    CAMPAIGN("campaign"),
    LANDING_PAGE("landingPage"),
    DEVICE("device");

    private final String key;

    Dimension(String key) {
      this.key = key;
    }

    /** The name in item keys and the query API ({@code ?by=}). */
    public String key() {
      return key;
    }

    /** The dimension named {@code key}, or null. */
    public static Dimension byKey(String key) {
      for (Dimension d : values()) {
        if (d.key.equals(key)) {
          return d;
        }
      }
      return null;
    }
  }

  /**
   * Whether the event carries a page, referrer or campaign, as {@link #of}{@code (e).known()} says,
   * without parsing anything.
   */
  public static boolean hasContext(Event e) {
    Props ctx = e.header().context();
    JsonNode page = ctx.get("page");
    Props props = e instanceof PageEvent p ? p.properties() : Props.empty();
    for (String f : new String[] {"url", "referrer", "path"}) {
      if (text(props.get(f)) != null || (page != null && text(page.get(f)) != null)) {
        return true;
      }
    }
    JsonNode campaign = ctx.get("campaign");
    return field(campaign, "source") != null;
  }

  /** The touch of one event. */
  public static Touch of(Event e) {
    Props ctx = e.header().context();
    JsonNode page = ctx.get("page");
    Props props = e instanceof PageEvent p ? p.properties() : Props.empty();
    String url = firstText(props.get("url"), page == null ? null : page.get("url"));
    String referrer = firstText(props.get("referrer"), page == null ? null : page.get("referrer"));
    String path = firstText(props.get("path"), page == null ? null : page.get("path"));
    URI pageUri = uri(url);
    Map<String, String> query = pageUri == null ? Map.of() : query(pageUri.getRawQuery());
    JsonNode campaign = ctx.get("campaign");
    String utmSource = firstText(text(query.get("utm_source")), field(campaign, "source"));
    String utmMedium = firstText(text(query.get("utm_medium")), field(campaign, "medium"));
    String utmCampaign = firstText(text(query.get("utm_campaign")), field(campaign, "name"));
    String landing =
        pageUri != null && pageUri.getRawPath() != null && !pageUri.getRawPath().isEmpty()
            ? decode(pageUri.getRawPath())
            : path != null ? path : url == null ? NOT_SET : "/";
    String device = deviceClass(ctx.string("userAgent").orElse(null));
    boolean known = url != null || referrer != null || path != null || utmSource != null;

    if (utmSource != null) {
      return new Touch(
          utmSource.toLowerCase(Locale.ROOT),
          utmMedium == null ? NOT_SET : utmMedium.toLowerCase(Locale.ROOT),
          utmCampaign == null ? NOT_SET : utmCampaign,
          landing,
          device,
          known);
    }
    if (query.containsKey("gclid")) {
      return new Touch("google", "cpc", NOT_SET, landing, device, known);
    }
    String host = host(uri(referrer));
    if (host != null && !host.equals(host(pageUri))) {
      String[] sm = classify(host);
      return new Touch(sm[0], sm[1], NONE, landing, device, known);
    }
    return new Touch(DIRECT, NONE, NONE, landing, device, known);
  }

  /**
   * Phone, tablet, desktop or bot, from the user agent the way MDN advises: look for "Mobi" (and
   * the tablet markers) rather than parse the whole string.
   */
  static String deviceClass(String ua) {
    if (ua == null || ua.isBlank()) {
      return NOT_SET;
    }
    String s = ua.toLowerCase(Locale.ROOT);
    if (s.contains("bot") || s.contains("crawler") || s.contains("spider")) {
      return "bot";
    }
    if (s.contains("ipad")
        || s.contains("tablet")
        || (s.contains("android") && !s.contains("mobi"))) {
      return "tablet";
    }
    if (s.contains("mobi") || s.contains("iphone")) {
      return "mobile";
    }
    return "desktop";
  }

  /** {source, medium} of a referrer host: search engines are organic, networks social. */
  private static String[] classify(String host) {
    for (String[] s : SEARCH) {
      if (matches(host, s[0])) {
        return new String[] {s[1], "organic"};
      }
    }
    for (String[] s : SOCIAL) {
      if (matches(host, s[0])) {
        return new String[] {s[1], "social"};
      }
    }
    return new String[] {host, "referral"};
  }

  /** Whether {@code host} is {@code domain} or under it; a bare label matches any of its TLDs. */
  private static boolean matches(String host, String domain) {
    if (domain.contains(".")) {
      return host.equals(domain) || host.endsWith("." + domain);
    }
    for (String label : host.split("\\.")) {
      if (label.equals(domain)) {
        return true;
      }
    }
    return false;
  }

  private static String host(URI u) {
    if (u == null || u.getHost() == null) {
      return null;
    }
    String h = u.getHost().toLowerCase(Locale.ROOT);
    return h.startsWith("www.") ? h.substring(4) : h;
  }

  private static URI uri(String s) {
    if (s == null) {
      return null;
    }
    try {
      return new URI(s.trim());
    } catch (Exception e) {
      return null; // a malformed URL tells nothing; the event still counts
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq)).toLowerCase(Locale.ROOT);
      out.putIfAbsent(k, eq < 0 ? "" : decode(pair.substring(eq + 1)));
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  private static String field(JsonNode obj, String name) {
    return obj == null || !obj.isObject() ? null : text(obj.get(name));
  }

  private static String firstText(JsonNode a, JsonNode b) {
    return firstText(text(a), text(b));
  }

  private static String firstText(String a, String b) {
    return a != null ? a : b;
  }

  private static String text(JsonNode n) {
    return n != null && n.isTextual() ? text(n.textValue()) : null;
  }

  private static String text(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  /** Trims, removes control characters and cuts to {@link #MAX_VALUE_LENGTH}. */
  private static String clean(String s) {
    if (s == null || s.isBlank()) {
      return NOT_SET;
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_VALUE_LENGTH));
    s.trim()
        .codePoints()
        .filter(c -> !Character.isISOControl(c))
        .limit(MAX_VALUE_LENGTH)
        .forEach(b::appendCodePoint);
    return b.length() == 0 ? NOT_SET : b.toString();
  }
}
