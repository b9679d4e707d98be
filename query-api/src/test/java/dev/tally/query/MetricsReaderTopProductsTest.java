package dev.tally.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.agg.ProductCounter;
import dev.tally.core.item.MetricKeys;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricsReaderTopProductsTest {
  static final LocalDate FIRST = LocalDate.parse("2026-09-01");
  static final int DAYS = 90;

  @Test
  void topProducts_equalTheFullRanking_forEveryCounterLimitAndRange_includingRefundsAndTies() {
    for (long seed = 1; seed <= 20; seed++) {
      Random random = new Random(seed);
      FakeMetricsTable table = new FakeMetricsTable();
      // Few products on some seeds, so that fewer than the limit have a positive sum.
      int products = 1 + random.nextInt(seed % 4 == 0 ? 8 : 60);
      for (int d = 0; d < DAYS; d++) {
        LocalDate day = FIRST.plusDays(d);
        for (int k = 0; k < 1 + random.nextInt(12); k++) {
          String product = "p" + random.nextInt(products);
          Map<String, Long> counters = new HashMap<>();
          for (ProductCounter c : ProductCounter.values()) {
            if (random.nextInt(3) > 0) {
              // Small values tie often; a negative one is a refund of an earlier order.
              long v = random.nextInt(4) - (c == ProductCounter.REVENUE ? 1 : 0);
              counters.put(MetricKeys.productAttribute(c.attribute(), product), v);
            }
          }
          // The writer adds a day's count to the day's, the week's and the month's partitions.
          for (String pk : MetricKeys.productsPks("shop", day)) {
            table.putNumbers(pk, MetricKeys.productBucketSk(product), counters);
          }
        }
      }
      MetricsReader reader = new MetricsReader(table);
      for (DateRange range :
          List.of(
              new DateRange(FIRST, FIRST.plusDays(DAYS - 1)),
              new DateRange(FIRST.plusDays(17), FIRST.plusDays(46)),
              new DateRange(FIRST.plusDays(5), FIRST.plusDays(5)))) {
        Map<String, Map<String, Long>> all = reader.products("shop", range);
        for (String counter : List.of("views", "adds", "units", "revenue")) {
          for (int limit : List.of(1, 3, 10, 100)) {
            assertThat(reader.topProducts("shop", range, counter, limit))
                .as("seed %d, %s, by %s, limit %d", seed, range, counter, limit)
                .isEqualTo(MetricsReader.rank(all, counter, limit));
          }
        }
      }
    }
  }
}
