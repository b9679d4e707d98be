package dev.tally.demostore;

import dev.tally.core.error.RetryableException;
import dev.tally.core.item.Condition;
import dev.tally.core.item.ConditionFailedException;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.core.retry.Backoff;
import dev.tally.hooks.OrderEvent;
import dev.tally.hooks.OrderEventKind;
import dev.tally.hooks.OrderLine;
import dev.tally.hooks.Outbox;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Places orders: one atomic {@link ItemStore#write} decrements every product's stock (only if
 * enough is left), writes the order and writes its {@code Order Completed} outbox item. Either all
 * of it happens or none of it. Products, orders and the outbox share the one store.
 */
public final class OrdersService {
  /** All prices of the demo store are in this currency. */
  public static final String CURRENCY = "USD";

  /** Four attempts, pauses of up to 20, 40, 80 ms (full jitter): the one backoff of Tally. */
  private static final Backoff RETRIES =
      new Backoff(new Backoff.Config(4, Duration.ofMillis(20), Duration.ofMillis(80)));

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ID_CHARS = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

  private final ItemStore store;
  private final Outbox outbox;
  private final Clock clock;
  private final Supplier<String> orderIds;

  /** A service with random order ids. */
  public static OrdersService create(ItemStore store, Clock clock) {
    return new OrdersService(store, clock, OrdersService::randomOrderId);
  }

  public OrdersService(ItemStore store, Clock clock, Supplier<String> orderIds) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.orderIds = Objects.requireNonNull(orderIds, "orderIds");
    this.outbox = new Outbox(store, clock);
  }

  /**
   * Places an order priced from the server's catalog.
   *
   * <p>A write refused by a condition wrote nothing: a failed stock guard is out of stock, anything
   * else (the order id was taken) is tried again with a new id. A write that failed with {@link
   * RetryableException} (a conflicting transaction, throttling, an outage) may or may not have
   * happened, so it is tried again with the same order: if the first try did commit, the retry
   * finds the order and returns it instead of placing it twice.
   *
   * @throws InvalidOrderException for an unknown product
   * @throws OutOfStockException naming the first product without enough stock; nothing is written
   * @throws StoreBusyException when the store stayed unavailable or the order kept conflicting
   */
  public Order placeOrder(OrderRequest request) {
    Map<Product, Integer> wanted = priced(request);
    List<Product> products = new ArrayList<>(wanted.keySet());
    // What the attempts share: the order being placed and why the last attempt failed.
    var state =
        new Object() {
          Order order = newOrder(request, wanted);
          boolean mayHaveCommitted;
          StoreException lastFailure;
        };
    try {
      RETRIES.untilDone(
          "store_busy",
          "placing an order",
          () -> {
            // Writes are positional: the stock guards first, in product order, then the order.
            List<ItemWrite> writes = new ArrayList<>();
            wanted.forEach((product, qty) -> writes.add(decrementStock(product, qty)));
            int orderIndex = writes.size();
            writes.add(ItemWrite.put(StoreItems.orderItem(state.order), Condition.ABSENT));
            writes.add(outbox.enqueue(completedEvent(state.order)));
            try {
              store.write(writes);
              return true;
            } catch (ConditionFailedException e) {
              if (state.mayHaveCommitted
                  && e.failed().contains(orderIndex)
                  && isStored(state.order)) {
                return true; // an earlier try committed although it reported a failure
              }
              throwIfOutOfStock(e, products, wanted);
              // Otherwise the order id (or its outbox key) was taken: try again as a new order.
              state.lastFailure =
                  new StoreBusyException("order kept conflicting with other orders", e);
              state.order = newOrder(request, wanted);
              state.mayHaveCommitted = false;
              return false;
            } catch (RetryableException e) {
              state.lastFailure = busy(e);
              state.mayHaveCommitted = true;
              return false;
            }
          });
      return state.order;
    } catch (RetryableException exhausted) {
      throw state.lastFailure != null ? state.lastFailure : busy(exhausted);
    }
  }

  /** The order with this id. */
  public Order getOrder(String orderId) {
    return busyIfUnavailable(() -> store.get(StoreItems.orderKey(orderId)))
        .map(StoreItems::orderFrom)
        .orElseThrow(() -> new NotFoundException("no order " + orderId));
  }

  /** Current stock of every seeded catalog product, by product id (one batch read). */
  public Map<String, Integer> stockLevels() {
    List<ItemKey> keys = Catalog.all().stream().map(p -> StoreItems.productKey(p.id())).toList();
    Map<String, Integer> stock = new LinkedHashMap<>();
    for (Item item : busyIfUnavailable(() -> store.getAll(keys)).values()) {
      stock.put(StoreItems.productIdOf(item), StoreItems.stockOf(item));
    }
    return stock;
  }

  /** Current stock of one product (0 if it was never seeded). */
  public int stockOf(String productId) {
    return busyIfUnavailable(() -> store.get(StoreItems.productKey(productId)))
        .map(StoreItems::stockOf)
        .orElse(0);
  }

  // The one translation of the port's transient failure into the store's 503.
  private static <T> T busyIfUnavailable(Supplier<T> read) {
    try {
      return read.get();
    } catch (RetryableException e) {
      throw busy(e);
    }
  }

  private static StoreBusyException busy(RetryableException e) {
    return new StoreBusyException(
        "the store's database is busy or unavailable: " + e.getMessage(), e);
  }

  // Merges repeated products (one write call may touch a key only once) and prices each line.
  private static Map<Product, Integer> priced(OrderRequest request) {
    Map<Product, Integer> wanted = new LinkedHashMap<>();
    for (OrderRequest.Item item : request.items()) {
      Product p =
          Catalog.find(item.productId())
              .orElseThrow(() -> new InvalidOrderException("unknown product: " + item.productId()));
      wanted.merge(p, item.quantity(), Integer::sum);
    }
    return wanted;
  }

  private Order newOrder(OrderRequest request, Map<Product, Integer> wanted) {
    List<Order.Line> lines = new ArrayList<>();
    wanted.forEach((p, q) -> lines.add(new Order.Line(p.id(), p.sku(), p.title(), p.price(), q)));
    BigDecimal total =
        lines.stream()
            .map(Order.Line::lineTotal)
            .reduce(BigDecimal.ZERO, BigDecimal::add)
            .setScale(2, RoundingMode.HALF_UP);
    return new Order(
        orderIds.get(),
        request.userId(),
        request.anonymousId(),
        lines,
        total,
        CURRENCY,
        clock.instant());
  }

  private static OrderEvent completedEvent(Order order) {
    List<OrderLine> products =
        order.lines().stream()
            .map(l -> new OrderLine(l.productId(), l.sku(), l.unitPrice(), l.quantity()))
            .toList();
    return new OrderEvent(
        OrderEventKind.COMPLETED,
        order.orderId(),
        order.userId(),
        order.anonymousId(),
        order.total(),
        order.total(),
        order.currency(),
        products,
        order.createdAt());
  }

  private static ItemWrite decrementStock(Product product, int quantity) {
    return ItemWrite.update(StoreItems.productKey(product.id()))
        .add(StoreItems.STOCK, -quantity)
        .when(Condition.atLeast(StoreItems.STOCK, quantity))
        .build();
  }

  // Failed indexes are positional: the first writes are the stock updates, in product order.
  private static void throwIfOutOfStock(
      ConditionFailedException e, List<Product> products, Map<Product, Integer> wanted) {
    for (int i : e.failed()) {
      if (i < products.size()) {
        Product p = products.get(i);
        int available = e.current(i).map(StoreItems::stockOf).orElse(0);
        throw new OutOfStockException(p, wanted.get(p), available);
      }
    }
  }

  // Whether this very order is stored (a taken id holds another order).
  private boolean isStored(Order order) {
    try {
      return busyIfUnavailable(() -> store.get(StoreItems.orderKey(order.orderId())))
          .map(StoreItems::orderFrom)
          .filter(order::equals)
          .isPresent();
    } catch (IllegalStateException unreadable) {
      return false;
    }
  }

  static String randomOrderId() {
    StringBuilder sb = new StringBuilder("ord_");
    for (int i = 0; i < 12; i++) {
      sb.append(ID_CHARS[RANDOM.nextInt(ID_CHARS.length)]);
    }
    return sb.toString();
  }
}
