package dev.tally.core.agg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.event.Event;
import dev.tally.core.event.EventParser;
import dev.tally.core.event.Json;
import dev.tally.core.event.ParseOptions;
import java.time.Instant;
import java.util.Currency;
import org.junit.jupiter.api.Test;

class TouchTest {
  private static Touch page(String url, String referrer, String ua) {
    var n = Json.mapper().createObjectNode();
    n.put("type", "page").put("messageId", "m1").put("anonymousId", "a1");
    n.put("timestamp", "2025-03-20T10:00:00Z");
    var ctx = n.putObject("context");
    var page = ctx.putObject("page");
    if (url != null) {
      page.put("url", url);
    }
    if (referrer != null) {
      page.put("referrer", referrer);
    }
    if (ua != null) {
      ctx.put("userAgent", ua);
    }
    Event e =
        new EventParser(ParseOptions.live().historical())
            .parse(
                n,
                null,
                EventParser.BatchContext.at(Instant.parse("2025-03-20T10:00:01Z")),
                Currency.getInstance("USD"));
    return Touch.of(e);
  }

  @Test
  void utmParameters_win_andSourceAndMediumAreLowerCased() {
    Touch t =
        page(
            "https://shop.example/prints?utm_source=Google&utm_medium=CPC&utm_campaign=Autumn%20Sale",
            "https://www.google.com/", null);
    assertThat(t.value(Touch.Dimension.SOURCE)).isEqualTo("google / cpc");
    assertThat(t.campaign()).isEqualTo("Autumn Sale");
    assertThat(t.landingPage()).isEqualTo("/prints");
  }

  @Test
  void referrers_areClassified_searchAsOrganic_networksAsSocial_othersAsReferral() {
    assertThat(page("https://shop.example/", "https://www.google.co.uk/search", null).source())
        .isEqualTo("google");
    assertThat(page("https://shop.example/", "https://www.google.co.uk/", null).medium())
        .isEqualTo("organic");
    assertThat(page("https://shop.example/", "https://l.instagram.com/", null).medium())
        .isEqualTo("social");
    Touch blog = page("https://shop.example/", "https://www.blog.example.org/post", null);
    assertThat(blog.value(Touch.Dimension.SOURCE)).isEqualTo("blog.example.org / referral");
  }

  @Test
  void noReferrer_orOneFromTheStoreItself_isDirect() {
    assertThat(page("https://shop.example/a", null, null).source()).isEqualTo(Touch.DIRECT);
    assertThat(page("https://shop.example/a", "https://www.shop.example/cart", null).source())
        .isEqualTo(Touch.DIRECT);
  }

  @Test
  void hasContext_saysWhatTheParsedTouchSays_withoutParsing() {
    var n = Json.mapper().createObjectNode();
    n.put("type", "track")
        .put("messageId", "m2")
        .put("userId", "u1")
        .put("event", "Order Completed");
    n.put("timestamp", "2025-03-20T10:00:00Z");
    Event server =
        new EventParser(ParseOptions.live().historical())
            .parse(
                n,
                null,
                EventParser.BatchContext.at(Instant.parse("2025-03-20T10:00:01Z")),
                Currency.getInstance("USD"));
    assertThat(Touch.hasContext(server)).isFalse();
    assertThat(Touch.of(server).known()).isFalse();
    n.putObject("context").putObject("campaign").put("source", "newsletter");
    Event tagged =
        new EventParser(ParseOptions.live().historical())
            .parse(
                n,
                null,
                EventParser.BatchContext.at(Instant.parse("2025-03-20T10:00:01Z")),
                Currency.getInstance("USD"));
    assertThat(Touch.hasContext(tagged)).isTrue();
    assertThat(Touch.of(tagged).known()).isTrue();
    assertThat(page("https://shop.example/", null, null).known()).isTrue();
  }

  @Test
  void deviceClass_followsTheUserAgentsMobiAndTabletMarkers() {
    assertThat(Touch.deviceClass("Mozilla/5.0 (iPhone) Mobile/15E148")).isEqualTo("mobile");
    assertThat(Touch.deviceClass("Mozilla/5.0 (iPad; CPU OS 17_5)")).isEqualTo("tablet");
    assertThat(Touch.deviceClass("Mozilla/5.0 (Linux; Android 14; SM-X200)")).isEqualTo("tablet");
    assertThat(Touch.deviceClass("Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari"))
        .isEqualTo("mobile");
    assertThat(Touch.deviceClass("Mozilla/5.0 (Windows NT 10.0; Win64; x64)")).isEqualTo("desktop");
    assertThat(Touch.deviceClass("Googlebot/2.1")).isEqualTo("bot");
    assertThat(Touch.deviceClass(null)).isEqualTo(Touch.NOT_SET);
  }

  @Test
  void malformedUrls_andHugeValues_neitherFailNorGrowTheKey() {
    Touch t = page("ht tp://%%bad", "::::", "x".repeat(5_000));
    assertThat(t.source()).isEqualTo(Touch.DIRECT);
    assertThat(t.landingPage().length()).isLessThanOrEqualTo(Touch.MAX_VALUE_LENGTH);
    Touch long_ =
        page(
            "https://shop.example/" + "a".repeat(500) + "?utm_source=" + "s".repeat(300),
            null,
            null);
    assertThat(long_.source()).hasSize(Touch.MAX_VALUE_LENGTH);
    assertThat(long_.landingPage()).hasSize(Touch.MAX_VALUE_LENGTH);
  }
}
