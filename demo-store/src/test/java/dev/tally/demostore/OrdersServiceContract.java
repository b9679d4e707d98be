package dev.tally.demostore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Condition;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.hooks.OrderEventKind;
import dev.tally.hooks.Outbox;
import dev.tally.testkit.hooks.FaultyItemStore;
import dev.tally.testkit.hooks.FaultyItemStore.When;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The orders service on any {@link ItemStore} engine: each engine's test class extends this and
 * hands a fresh, empty table to every test.
 */
public abstract class OrdersServiceContract {
  ItemStore store;
  OrdersService orders;
  Outbox outbox;

  /** Every order id the services handed out, placed or not. */
  final List<String> issuedIds = new CopyOnWriteArrayList<>();

  /** A new, empty table. */
  protected abstract ItemStore freshStore();

  @BeforeEach
  void freshTables() {
    store = freshStore();
    assertThat(Catalog.seedIfEmpty(store)).isEqualTo(24);
    orders = service(store);
    outbox = Outbox.create(store);
  }

  /** A service on {@code on} whose order ids are recorded. */
  OrdersService service(ItemStore on) {
    return new OrdersService(on, Clock.systemUTC(), () -> issued(OrdersService.randomOrderId()));
  }

  String issued(String id) {
    issuedIds.add(id);
    return id;
  }

  static OrderRequest request(String productId, int quantity) {
    return new OrderRequest(null, "anon-1", List.of(new OrderRequest.Item(productId, quantity)));
  }

  /** How many of the issued ids have an order stored. */
  int orderCount() {
    return (int)
        issuedIds.stream().filter(id -> store.get(StoreItems.orderKey(id)).isPresent()).count();
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
    setStock(id, 1);

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
    assertThat(Catalog.seedIfEmpty(store)).isZero();
    assertThat(orders.stockOf("quiet-orchard"))
        .isEqualTo(Catalog.find("quiet-orchard").orElseThrow().initialStock() - 3);
    assertThat(orders.stockLevels()).hasSize(24).containsEntry("quiet-orchard", 17);
  }

  @Test
  void missingOrder_isNotFound() {
    assertThatThrownBy(() -> orders.getOrder("ord_missing"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("ord_missing");
  }

  @Test
  void lastUnits_outOfStockSaysHowManyAreLeft() {
    setStock("night-garden", 2);
    assertThatThrownBy(() -> orders.placeOrder(request("night-garden", 3)))
        .isInstanceOf(OutOfStockException.class)
        .hasMessageContaining("'Night Garden' (night-garden) has 2 left, 3 requested");
    orders.placeOrder(request("night-garden", 2));
    assertThatThrownBy(() -> orders.placeOrder(request("night-garden", 1)))
        .hasMessageContaining("has 0 left, 1 requested");
  }

  @Test
  void takenOrderId_isRetriedAsANewOrder_leavingTheOtherOrderAlone() {
    Order existing = orders.placeOrder(request("glasshouse", 1));
    List<String> ids = new ArrayList<>(List.of(existing.orderId(), "ord_fresh"));
    OrdersService clashing = new OrdersService(store, Clock.systemUTC(), () -> ids.remove(0));

    Order placed = clashing.placeOrder(request("small-comet", 2));

    assertThat(placed.orderId()).isEqualTo("ord_fresh");
    assertThat(orders.getOrder(existing.orderId())).isEqualTo(existing);
    assertThat(orders.getOrder("ord_fresh")).isEqualTo(placed);
    assertThat(orders.stockOf("small-comet"))
        .isEqualTo(Catalog.find("small-comet").orElseThrow().initialStock() - 2);
    assertThat(outbox.pending(10)).hasSize(2);
  }

  @Test
  void engineConflict_isRetried_andTheOrderIsPlacedOnce() {
    FaultyItemStore faulty = new FaultyItemStore(store).failWrites(2, When.BEFORE_WRITING);

    Order order = service(faulty).placeOrder(request("paper-moons", 1));

    assertThat(faulty.faultsLeft()).isZero();
    assertThat(orders.getOrder(order.orderId())).isEqualTo(order);
    assertThat(orders.stockOf("paper-moons"))
        .isEqualTo(Catalog.find("paper-moons").orElseThrow().initialStock() - 1);
    assertThat(orderCount()).isEqualTo(1);
    assertThat(outbox.pending(10)).hasSize(1);
  }

  @Test
  void failureReportedAfterTheWriteCommitted_isNotPlacedTwice() {
    FaultyItemStore faulty = new FaultyItemStore(store).failWrites(1, When.AFTER_WRITING);

    Order order = service(faulty).placeOrder(request("paper-moons", 2));

    assertThat(issuedIds).containsExactly(order.orderId());
    assertThat(orders.getOrder(order.orderId())).isEqualTo(order);
    assertThat(orders.stockOf("paper-moons"))
        .isEqualTo(Catalog.find("paper-moons").orElseThrow().initialStock() - 2);
    assertThat(outbox.pending(10)).hasSize(1);
  }

  @Test
  void storeStayingUnavailable_isStoreBusy_andNothingIsWritten() {
    FaultyItemStore faulty = new FaultyItemStore(store).failWrites(100, When.BEFORE_WRITING);

    assertThatThrownBy(() -> service(faulty).placeOrder(request("paper-moons", 1)))
        .isInstanceOf(StoreBusyException.class)
        .hasMessageContaining("busy or unavailable");

    assertThat(orders.stockOf("paper-moons"))
        .isEqualTo(Catalog.find("paper-moons").orElseThrow().initialStock());
    assertThat(orderCount()).isZero();
    assertThat(outbox.pending(10)).isEmpty();
  }

  void setStock(String productId, int stock) {
    store.write(
        List.of(
            ItemWrite.update(StoreItems.productKey(productId))
                .set(StoreItems.STOCK, AttrValue.num(stock))
                .when(Condition.EXISTS)
                .build()));
  }
}
