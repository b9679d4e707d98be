package dev.tally.app.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.app.sim.TallyClient;
import dev.tally.app.stack.DemoStore;
import dev.tally.app.stack.EmbeddedStack;
import dev.tally.app.stack.StackConfig;
import dev.tally.core.agg.Counter;
import dev.tally.core.agg.FunnelStep;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemWrite;
import dev.tally.core.item.MetricKeys;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Nothing stored can make a read fail: orders of 9e16 are refused at ingest, and even items holding
 * the largest values a long can (written straight to the engine, as a bug or an old version might),
 * in every shard and on every day of a range, leave every query endpoint answering 200.
 */
class StoredExtremesIT {
  @Test
  void hugeOrders_areRefused_andExtremeStoredValuesNeverBreakARead() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.start(StackConfig.forTests(), Map.of())) {
      TallyClient client = new TallyClient(stack.baseUri());
      HttpResponse<String> huge =
          client.post(
              "/v1/track",
              DemoStore.WRITE_KEY,
              "{\"userId\":\"whale\",\"event\":\"Order Completed\",\"properties\":"
                  + "{\"order_id\":\"o\",\"revenue\":90000000000000000}}");
      assertThat(huge.statusCode()).isEqualTo(400);
      assertThat(huge.body()).contains("properties.revenue is above the limit");

      LocalDate today = LocalDate.now(ZoneOffset.UTC);
      List<ItemWrite> writes = new ArrayList<>();
      java.util.Set<String> rollUpPks = new java.util.HashSet<>();
      for (int d = 0; d < 3; d++) {
        String sk = MetricKeys.daySk(today.minusDays(d));
        for (int shard = 0; shard < stack.shards(); shard++) {
          ItemWrite.Update.Builder u =
              ItemWrite.update(ItemKey.of(MetricKeys.storeShardPk(DemoStore.ID, shard), sk));
          for (Counter c : Counter.values()) {
            u.add(c.attribute(), Long.MAX_VALUE);
          }
          for (FunnelStep s : FunnelStep.values()) {
            u.add(s.attribute(), Long.MAX_VALUE);
          }
          writes.add(u.build());
        }
        // The day's product partition and its week and month roll-ups, each written once.
        for (String pk : MetricKeys.productsPks(DemoStore.ID, today.minusDays(d))) {
          if (rollUpPks.add(pk)) {
            writes.add(
                ItemWrite.update(ItemKey.of(pk, "BUCKET#0"))
                    .add(MetricKeys.productAttribute("revenue", "p-max"), Long.MAX_VALUE)
                    .add(MetricKeys.productAttribute("units", "p-max"), Long.MAX_VALUE)
                    .add(MetricKeys.productAttribute("views", "p-max"), Long.MAX_VALUE)
                    .build());
          }
        }
        // The whale's buyers items of the day, its week and its month, each written once.
        for (String pk : MetricKeys.buyersPks(DemoStore.ID, today.minusDays(d))) {
          if (rollUpPks.add(pk)) {
            writes.add(
                ItemWrite.update(ItemKey.of(pk, MetricKeys.customerSk("whale")))
                    .add(MetricKeys.ORDERS_COMPLETED, Long.MAX_VALUE)
                    .add(MetricKeys.REVENUE, Long.MAX_VALUE)
                    .build());
          }
        }
        writes.add(
            ItemWrite.update(ItemKey.of(MetricKeys.userPk(DemoStore.ID, "whale"), sk))
                .add(Counter.REVENUE.attribute(), Long.MAX_VALUE)
                .add(Counter.EVENTS.attribute(), Long.MAX_VALUE)
                .build());
      }
      writes.add(
          ItemWrite.update(MetricKeys.customerKey(DemoStore.ID, "whale"))
              .add(MetricKeys.ORDERS_COMPLETED, Long.MAX_VALUE)
              .add(MetricKeys.REVENUE, Long.MAX_VALUE)
              .addMarks(MetricKeys.ORDER_DAYS, List.of(Long.MIN_VALUE, Long.MAX_VALUE))
              .build());
      stack.engine().metrics().write(writes);

      String range = "from=" + today.minusDays(6) + "&to=" + today;
      for (String path :
          List.of(
              "/api/v1/summary?" + range,
              "/api/v1/funnel?" + range,
              "/api/v1/timeseries?metric=revenue&interval=day&" + range,
              "/api/v1/timeseries?metric=averageOrderValue&interval=week&" + range,
              "/api/v1/timeseries?metric=conversionRate&interval=month&" + range,
              "/api/v1/products/top?by=revenue&" + range,
              "/api/v1/products/top?by=views&" + range,
              "/api/v1/users/whale/metrics?" + range,
              "/api/v1/customers?sort=top&" + range,
              "/api/v1/customers?sort=recent&" + range,
              "/api/v1/customers?prefix=wh")) {
        HttpResponse<String> r = client.get(path, DemoStore.READ_KEY);
        assertThat(r.statusCode()).as(path + " → " + r.body()).isEqualTo(200);
        // Sums stay at the top of the range instead of wrapping to negative figures.
        assertThat(r.body()).as(path).doesNotContain("-92233720368547758");
      }
    }
  }
}
