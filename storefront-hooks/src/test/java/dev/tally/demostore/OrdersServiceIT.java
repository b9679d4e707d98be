package dev.tally.demostore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.hooks.DynamoDbOutbox;
import dev.tally.hooks.LocalDynamoDb;
import dev.tally.hooks.OrderEventKind;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class OrdersServiceIT {
  @RegisterExtension static final LocalDynamoDb ddb = new LocalDynamoDb();

  DemoStoreConfig config;
  OrdersService orders;
  DynamoDbOutbox outbox;

  @BeforeEach
  void freshTables() {
    String suffix = Long.toHexString(System.nanoTime());
    config =
        new DemoStoreConfig(
            "products-" + suffix, "orders-" + suffix, URI.create("http://127.0.0.1:1"), "wk");
    DemoStoreTables.createIfMissing(ddb.client(), config);
    assertThat(Catalog.seedIfEmpty(ddb.client(), config)).isEqualTo(24);
    orders = OrdersService.create(ddb.client(), config, Clock.systemUTC());
    outbox = new DynamoDbOutbox(ddb.client(), config.ordersTable(), Clock.systemUTC());
  }

  static OrderRequest request(String productId, int quantity) {
    return new OrderRequest(null, "anon-1", List.of(new OrderRequest.Item(productId, quantity)));
  }

  int orderCount() {
    return ddb.client().scan(b -> b.tableName(config.ordersTable())).items().stream()
        .filter(i -> i.get("pk").s().startsWith("ORDER#"))
        .mapToInt(i -> 1)
        .sum();
  }

  @Test
  void placingAnOrder_decrementsStock_writesOrderAndItsOutboxEvent_atServerPrices() {
    Product harbour = Catalog.find("harbour-at-dusk").orElseThrow();
    Product comet = Catalog.find("small-comet").orElseThrow();
    Order order =
        orders.placeOrder(
            new OrderRequest(
                "ada",
                "anon-1",
                List.of(
                    new OrderRequest.Item(harbour.id(), 2),
                    new OrderRequest.Item(comet.id(), 1),
                    new OrderRequest.Item(harbour.id(), 1))));

    assertThat(order.total()).isEqualByComparingTo("168.00"); // 3 x 48.00 + 24.00
    assertThat(order.lines()).hasSize(2);
    assertThat(orders.stockOf(harbour.id())).isEqualTo(harbour.initialStock() - 3);
    assertThat(orders.stockOf(comet.id())).isEqualTo(comet.initialStock() - 1);
    assertThat(orders.getOrder(order.orderId())).isEqualTo(order);

    var pending = outbox.pending(10);
    assertThat(pending).hasSize(1);
    var event = pending.get(0).event();
    assertThat(event.kind()).isEqualTo(OrderEventKind.COMPLETED);
    assertThat(event.messageId()).isEqualTo("order-" + order.orderId() + "-completed");
    assertThat(event.revenue()).isEqualByComparingTo("168.00");
    assertThat(event.userId()).isEqualTo("ada");
    assertThat(event.anonymousId()).isEqualTo("anon-1");
  }

  @Test
  void outOfStockOrder_isRefusedNamingTheProduct_andLeavesEverythingUntouched() {
    Product iron = Catalog.find("iron-bloom").orElseThrow(); // 4 in stock
    Product comet = Catalog.find("small-comet").orElseThrow();
    OrderRequest tooMany =
        new OrderRequest(
            null,
            "anon-1",
            List.of(
                new OrderRequest.Item(comet.id(), 1),
                new OrderRequest.Item(iron.id(), iron.initialStock() + 1)));

    assertThatThrownBy(() -> orders.placeOrder(tooMany))
        .isInstanceOfSatisfying(
            OutOfStockException.class, e -> assertThat(e.productId()).isEqualTo(iron.id()))
        .hasMessageContaining("Iron Bloom")
        .hasMessageContaining("has 4 left, 5 requested");

    assertThat(orders.stockOf(iron.id())).isEqualTo(iron.initialStock());
    assertThat(orders.stockOf(comet.id())).isEqualTo(comet.initialStock());
    assertThat(orderCount()).isZero();
    assertThat(outbox.pending(10)).isEmpty();
  }

  @Test
  void unknownProduct_isInvalid() {
    assertThatThrownBy(() -> orders.placeOrder(request("no-such-print", 1)))
        .isInstanceOf(InvalidOrderException.class)
        .hasMessageContaining("unknown product: no-such-print");
  }

  @Test
  void concurrentOrdersForTheLastUnit_exactlyOneSucceeds() throws Exception {
    String id = "night-garden";
    ddb.client()
        .updateItem(
            b ->
                b.tableName(config.productsTable())
                    .key(
                        java.util.Map.of(
                            "pk",
                            AttributeValue.fromS("PRODUCT#" + id),
                            "sk",
                            AttributeValue.fromS("PRODUCT")))
                    .updateExpression("SET stock = :one")
                    .expressionAttributeValues(
                        java.util.Map.of(":one", AttributeValue.fromN("1"))));

    int buyers = 8;
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger outOfStock = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(buyers);
    List<Future<Order>> results = new ArrayList<>();
    try {
      for (int i = 0; i < buyers; i++) {
        Callable<Order> buy =
            () -> {
              go.await();
              try {
                return orders.placeOrder(request(id, 1));
              } catch (OutOfStockException e) {
                outOfStock.incrementAndGet();
                return null;
              }
            };
        results.add(pool.submit(buy));
      }
      go.countDown();
      int placed = 0;
      for (Future<Order> f : results) {
        if (f.get() != null) {
          placed++;
        }
      }
      assertThat(placed).isEqualTo(1);
      assertThat(outOfStock.get()).isEqualTo(buyers - 1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(orders.stockOf(id)).isZero();
    assertThat(orderCount()).isEqualTo(1);
    assertThat(outbox.pending(10)).hasSize(1);
  }

  @Test
  void seeding_twice_neverResetsLiveStock() {
    orders.placeOrder(request("quiet-orchard", 3));
    assertThat(Catalog.seedIfEmpty(ddb.client(), config)).isZero();
    assertThat(orders.stockOf("quiet-orchard"))
        .isEqualTo(Catalog.find("quiet-orchard").orElseThrow().initialStock() - 3);
    assertThat(orders.stockLevels()).hasSize(24).containsEntry("quiet-orchard", 17);
  }
}
