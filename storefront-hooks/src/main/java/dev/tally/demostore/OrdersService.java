package dev.tally.demostore;

import dev.tally.hooks.DynamoDbOutbox;
import dev.tally.hooks.OrderEvent;
import dev.tally.hooks.OrderEventKind;
import dev.tally.hooks.OrderLine;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Places orders: one DynamoDB transaction decrements every product's stock (only if enough is
 * left), writes the order and writes its {@code Order Completed} outbox item. Either all of it
 * happens or none of it.
 */
public final class OrdersService {
  /** All prices of the demo store are in this currency. */
  public static final String CURRENCY = "USD";

  private static final int MAX_ATTEMPTS = 4;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ID_CHARS = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

  private final DynamoDbClient dynamo;
  private final DemoStoreConfig config;
  private final DynamoDbOutbox outbox;
  private final Clock clock;
  private final Supplier<String> orderIds;

  /** A service with random order ids. */
  public static OrdersService create(DynamoDbClient dynamo, DemoStoreConfig config, Clock clock) {
    return new OrdersService(dynamo, config, clock, OrdersService::randomOrderId);
  }

  public OrdersService(
      DynamoDbClient dynamo, DemoStoreConfig config, Clock clock, Supplier<String> orderIds) {
    this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.orderIds = Objects.requireNonNull(orderIds, "orderIds");
    this.outbox = new DynamoDbOutbox(dynamo, config.ordersTable(), clock);
  }

  /**
   * Places an order priced from the server's catalog.
   *
   * @throws InvalidOrderException for an unknown product
   * @throws OutOfStockException naming the first product without enough stock; nothing is written
   * @throws StoreBusyException when DynamoDB throttles or the order kept conflicting
   */
  public Order placeOrder(OrderRequest request) {
    Map<Product, Integer> wanted = priced(request);
    StoreException lastConflict = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Order order = newOrder(request, wanted);
      List<TransactWriteItem> writes = new ArrayList<>();
      wanted.forEach((product, qty) -> writes.add(decrementStock(product, qty)));
      writes.add(
          TransactWriteItem.builder()
              .put(
                  Put.builder()
                      .tableName(config.ordersTable())
                      .item(StoreItems.orderItem(order))
                      .conditionExpression("attribute_not_exists(" + StoreItems.PK + ")")
                      .build())
              .build());
      writes.add(outbox.enqueue(completedEvent(order)));
      try {
        dynamo.transactWriteItems(b -> b.transactItems(writes));
        return order;
      } catch (TransactionCanceledException e) {
        throwIfOutOfStock(e.cancellationReasons(), new ArrayList<>(wanted.keySet()), wanted);
        // Otherwise a concurrent order touched the same stock, or the id collided: try again.
        lastConflict = new StoreBusyException("order kept conflicting with other orders", e);
        pause(attempt);
      } catch (SdkException e) {
        throw new StoreBusyException("the store's database is unavailable: " + e.getMessage(), e);
      }
    }
    throw lastConflict;
  }

  /** The order with this id. */
  public Order getOrder(String orderId) {
    Map<String, AttributeValue> item = read(config.ordersTable(), StoreItems.orderKey(orderId));
    if (item.isEmpty()) {
      throw new NotFoundException("no order " + orderId);
    }
    return StoreItems.orderFrom(item);
  }

  /** Current stock of every catalog product, by product id (one BatchGetItem, no Scan). */
  public Map<String, Integer> stockLevels() {
    List<Map<String, AttributeValue>> keys =
        Catalog.all().stream().map(p -> StoreItems.productKey(p.id())).toList();
    Map<String, KeysAndAttributes> request =
        Map.of(
            config.productsTable(),
            KeysAndAttributes.builder().keys(keys).projectionExpression("pk, stock").build());
    Map<String, Integer> stock = new HashMap<>();
    while (!request.isEmpty()) {
      Map<String, KeysAndAttributes> pending = request;
      var response = dynamo.batchGetItem(b -> b.requestItems(pending));
      for (var item : response.responses().getOrDefault(config.productsTable(), List.of())) {
        stock.put(StoreItems.productIdOf(item), StoreItems.stockOf(item));
      }
      request = response.unprocessedKeys();
    }
    return stock;
  }

  /** Current stock of one product (0 if it was never seeded). */
  public int stockOf(String productId) {
    Map<String, AttributeValue> item =
        read(config.productsTable(), StoreItems.productKey(productId));
    return item.isEmpty() ? 0 : StoreItems.stockOf(item);
  }

  private Map<String, AttributeValue> read(String table, Map<String, AttributeValue> key) {
    Map<String, AttributeValue> item =
        dynamo.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();
    return item == null ? Map.of() : item;
  }

  // Merges repeated products (a transaction may touch an item only once) and prices each line.
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

  private TransactWriteItem decrementStock(Product product, int quantity) {
    return TransactWriteItem.builder()
        .update(
            Update.builder()
                .tableName(config.productsTable())
                .key(StoreItems.productKey(product.id()))
                .updateExpression("SET #stock = #stock - :q")
                .conditionExpression("attribute_exists(#pk) AND #stock >= :q")
                .expressionAttributeNames(Map.of("#stock", StoreItems.STOCK, "#pk", StoreItems.PK))
                .expressionAttributeValues(
                    Map.of(":q", AttributeValue.fromN(Integer.toString(quantity))))
                // The failed item comes back with the cancellation, so we can say how many are
                // left.
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build())
        .build();
  }

  // Reasons are positional: the first entries are the stock updates, in the order they were added.
  private static void throwIfOutOfStock(
      List<CancellationReason> reasons, List<Product> products, Map<Product, Integer> wanted) {
    for (int i = 0; i < products.size() && i < reasons.size(); i++) {
      CancellationReason r = reasons.get(i);
      if ("ConditionalCheckFailed".equals(r.code())) {
        Product p = products.get(i);
        int available = r.hasItem() && !r.item().isEmpty() ? StoreItems.stockOf(r.item()) : 0;
        throw new OutOfStockException(p, wanted.get(p), available);
      }
    }
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L << attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreBusyException("interrupted while retrying an order", e);
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
