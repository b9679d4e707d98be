package dev.tally.aggregator.rebuild;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.MetricKeys;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RebuildRangeTest {
  // 2026-10-14..2026-11-03 widens to October and November, then to Mondays and Sundays.
  final RebuildRange range =
      RebuildRange.weeks("s", LocalDate.of(2026, 10, 14), LocalDate.of(2026, 11, 3));

  @Test
  void widensToWholeMonths_thenToWholeWeeks() {
    assertThat(range.from()).isEqualTo(LocalDate.of(2026, 9, 28));
    assertThat(range.to()).isEqualTo(LocalDate.of(2026, 12, 6));
  }

  @Test
  void replacesDayItemsOfItsDays_onlyOfItsStore() {
    assertThat(range.replaces(ItemKey.of("s#USER#u1", "DAY#2026-10-01"))).isTrue();
    assertThat(range.replaces(ItemKey.of("s#USER#u1", "DAY#2026-09-27"))).isFalse();
    assertThat(range.replaces(ItemKey.of("s2#USER#u1", "DAY#2026-10-01"))).isFalse();
    assertThat(range.replaces(ItemKey.of("s#ACQ#DAY#2026-11-30", "TOTAL"))).isTrue();
    assertThat(range.replaces(ItemKey.of("s#USER#u1", "LINKS"))).isFalse();
  }

  @Test
  void replacesBuyersPartitions_whole_butNotTheLifetimeCustomerIndex() {
    assertThat(range.replaces(ItemKey.of("s#BUYERS#DAY#2026-10-05", "C#u1"))).isTrue();
    assertThat(range.replaces(ItemKey.of("s#BUYERS#WEEK#2026-09-28", "C#u1"))).isTrue();
    assertThat(range.replaces(ItemKey.of("s#BUYERS#WEEK#2026-09-21", "C#u1"))).isFalse();
    assertThat(range.replaces(ItemKey.of("s#BUYERS#MONTH#2026-10-01", "C#u1"))).isTrue();
    assertThat(range.replaces(ItemKey.of("s#BUYERS#MONTH#2026-09-01", "C#u1"))).isFalse();
    assertThat(range.replaces(ItemKey.of("s#CUSTOMERS#3", "C#u1"))).isFalse();
  }

  @Test
  void replacesAFirstVisit_onlyWhenItIsDatedInTheRange() {
    assertThat(range.replaces(first("2026-10-02"))).isTrue();
    assertThat(range.replaces(first("2026-09-27"))).isFalse();
    assertThat(range.replaces(first("2026-12-07"))).isFalse();
  }

  private static Item first(String day) {
    return Item.of(
        MetricKeys.firstVisit("s", "d1"),
        Map.of(MetricKeys.FIRST_DAY, AttrValue.num(LocalDate.parse(day).toEpochDay())));
  }
}
