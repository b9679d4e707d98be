package dev.tally.core.agg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.core.agg.Sessions.Cell;
import dev.tally.core.agg.Sessions.Hit;
import dev.tally.core.agg.Touch.Dimension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SessionsTest {
  private static Touch touch(String source) {
    return new Touch(source, "referral", "(none)", "/", "desktop", true);
  }

  private static Hit hit(int minute, String source) {
    return new Hit(minute, minute * 60_000L, minute, touch(source), 0, 0);
  }

  private static Sessions of(List<Hit> hits) {
    Sessions s = Sessions.empty();
    for (Hit h : hits) {
      s = s.with(h, Sessions.Labeller.IDENTITY);
    }
    return s;
  }

  @Test
  void aGapOfThirtyMinutesStaysOneSession_thirtyOneStartsAnother() {
    assertThat(of(List.of(hit(600, "a"), hit(630, "b"))).list()).hasSize(1);
    assertThat(of(List.of(hit(600, "a"), hit(631, "b"))).list()).hasSize(2);
  }

  @Test
  void aLateHitBetweenTwoSessions_mergesThem_andTheEarliestFirstKeepsItsLabels() {
    Sessions two = of(List.of(hit(600, "a"), hit(660, "b")));
    Sessions one = two.with(hit(630, "c"), Sessions.Labeller.IDENTITY);
    assertThat(one.list())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.start()).isEqualTo(600);
              assertThat(s.end()).isEqualTo(660);
              assertThat(s.labels().get(0)).isEqualTo("a / referral");
            });
    Map<Cell, long[]> d = Sessions.diff(two, one);
    assertThat(d.get(new Cell(Dimension.SOURCE, "b / referral"))[0]).isEqualTo(-1);
    assertThat(d).doesNotContainKey(new Cell(Dimension.SOURCE, "a / referral"));
  }

  @Test
  void anyOrderOfTheSameHits_givesTheSameSessions_andDiffsSumToTheFinalCounts() {
    Random rnd = new Random(7);
    for (int run = 0; run < 300; run++) {
      List<Hit> hits = new ArrayList<>();
      int n = 1 + rnd.nextInt(40);
      for (int i = 0; i < n; i++) {
        int m = rnd.nextInt(1440);
        boolean known = rnd.nextInt(4) != 0;
        hits.add(
            new Hit(
                m,
                m * 60_000L + rnd.nextInt(60_000),
                rnd.nextLong(),
                new Touch("s" + rnd.nextInt(3), "m", "c", "/", "mobile", known),
                rnd.nextInt(5) == 0 ? 1 : 0,
                rnd.nextInt(1000)));
      }
      Sessions expected = of(hits);
      Map<Cell, Long> sums = new HashMap<>();
      Sessions s = Sessions.empty();
      List<Hit> shuffled = new ArrayList<>(hits);
      Collections.shuffle(shuffled, rnd);
      for (Hit h : shuffled) {
        Sessions next = s.with(h, Sessions.Labeller.IDENTITY);
        Sessions.diff(s, next).forEach((c, v) -> sums.merge(c, v[0], Long::sum));
        s = next;
      }
      assertThat(s).isEqualTo(expected);
      assertThat(Sessions.decode(s.encode())).isEqualTo(s);
      Map<Cell, Long> direct = new HashMap<>();
      Sessions.diff(Sessions.empty(), s).forEach((c, v) -> direct.merge(c, v[0], Long::sum));
      sums.values().removeIf(v -> v == 0);
      assertThat(sums).isEqualTo(direct);
    }
  }

  @Test
  void aServerSideHit_doesNotSpeakForItsSession_whenABrowserHitIsInIt() {
    Hit server =
        new Hit(599, 599 * 60_000L, 1, new Touch(null, null, null, null, null, false), 1, 500);
    Sessions s = of(List.of(server, hit(610, "g")));
    assertThat(s.list())
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.labels().get(0)).isEqualTo("g / referral");
              assertThat(x.orders()).isEqualTo(1);
              assertThat(x.revenue()).isEqualTo(500);
            });
  }

  @Test
  void storedTextThatIsNotASessionList_isRefusedClearly() {
    assertThat(Sessions.decode(null).isEmpty()).isTrue();
    assertThatThrownBy(() -> Sessions.decode("12\u001f13"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a stored session list");
  }
}
