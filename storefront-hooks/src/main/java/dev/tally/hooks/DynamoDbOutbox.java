package dev.tally.hooks;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The transactional outbox on DynamoDB. Pending items live under {@code pk=OUTBOX} with {@code
 * sk=<createdAt>#<orderId>#<kind>}, so a Query (never a Scan) reads them oldest first. Items Tally
 * rejected for good move to {@code pk=OUTBOX#FAILED} with the error.
 */
public final class DynamoDbOutbox {
  public static final String PK = "pk";
  public static final String SK = "sk";
  public static final String PENDING_PK = "OUTBOX";
  public static final String FAILED_PK = "OUTBOX#FAILED";
  static final String MESSAGE_ID = "messageId";
  static final String PAYLOAD = "payload";
  static final String STATUS = "status";
  static final String ERROR = "error";
  static final String FAILED_AT = "failedAt";

  // Fixed width so that lexicographic order of sort keys is time order (Instant.toString trims
  // zeros).
  private static final DateTimeFormatter SORTABLE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbOutbox.class);

  private final DynamoDbClient dynamo;
  private final String table;
  private final Clock clock;

  public DynamoDbOutbox(DynamoDbClient dynamo, String tableName, Clock clock) {
    this.dynamo = Objects.requireNonNull(dynamo, "dynamo");
    this.table = Checks.notBlank(tableName, "tableName");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The write to put in the same {@code TransactWriteItems} as the business change (the order), so
   * that the event exists if and only if the change committed.
   */
  public TransactWriteItem enqueue(OrderEvent event) {
    String sk =
        SORTABLE.format(clock.instant()) + "#" + event.orderId() + "#" + event.kind().idSuffix();
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(PENDING_PK));
    item.put(SK, s(sk));
    item.put(MESSAGE_ID, s(event.messageId()));
    item.put(PAYLOAD, s(OrderEventJson.toJson(event)));
    item.put(STATUS, s("PENDING"));
    return TransactWriteItem.builder()
        .put(
            Put.builder()
                .tableName(table)
                .item(item)
                .conditionExpression("attribute_not_exists(" + PK + ")")
                .build())
        .build();
  }

  /** Up to {@code limit} pending items, oldest first. Unreadable items are moved to failed. */
  public List<OutboxEntry> pending(int limit) {
    QueryRequest query =
        QueryRequest.builder()
            .tableName(table)
            .keyConditionExpression("#pk = :pk")
            .expressionAttributeNames(Map.of("#pk", PK))
            .expressionAttributeValues(Map.of(":pk", s(PENDING_PK)))
            .consistentRead(true) // a just-committed order must be visible to the next poll
            .limit(limit)
            .build();
    List<OutboxEntry> entries = new ArrayList<>();
    for (Map<String, AttributeValue> item : dynamo.query(query).items()) {
      String sk = item.get(SK).s();
      String payload = item.containsKey(PAYLOAD) ? item.get(PAYLOAD).s() : "";
      try {
        entries.add(new OutboxEntry(sk, OrderEventJson.fromJson(payload)));
      } catch (IllegalArgumentException unreadable) {
        LOG.error("outbox item {} is unreadable, moving it to {}", sk, FAILED_PK, unreadable);
        moveToFailed(sk, payload, unreadable.getMessage());
      }
    }
    return entries;
  }

  /** Removes an item Tally accepted. */
  public void markSent(OutboxEntry entry) {
    dynamo.deleteItem(b -> b.tableName(table).key(key(PENDING_PK, entry.sortKey())));
  }

  /** Moves an item Tally rejected for good out of the pending partition, keeping the error. */
  public void markFailed(OutboxEntry entry, String error) {
    moveToFailed(entry.sortKey(), OrderEventJson.toJson(entry.event()), error);
  }

  /** Items that failed for good, oldest first, for an operator to inspect. */
  public List<Map<String, AttributeValue>> failed(int limit) {
    return dynamo
        .query(
            b ->
                b.tableName(table)
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", PK))
                    .expressionAttributeValues(Map.of(":pk", s(FAILED_PK)))
                    .limit(limit))
        .items();
  }

  // Failed items leave the pending partition so that a poison item is not re-read every poll.
  private void moveToFailed(String sk, String payload, String error) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(PK, s(FAILED_PK));
    item.put(SK, s(sk));
    item.put(PAYLOAD, s(payload.isEmpty() ? "-" : payload));
    item.put(STATUS, s("FAILED"));
    item.put(ERROR, s(error == null || error.isEmpty() ? "unknown error" : error));
    item.put(FAILED_AT, s(clock.instant().toString()));
    dynamo.transactWriteItems(
        b ->
            b.transactItems(
                TransactWriteItem.builder()
                    .delete(Delete.builder().tableName(table).key(key(PENDING_PK, sk)).build())
                    .build(),
                TransactWriteItem.builder()
                    .put(Put.builder().tableName(table).item(item).build())
                    .build()));
  }

  private static Map<String, AttributeValue> key(String pk, String sk) {
    return Map.of(PK, s(pk), SK, s(sk));
  }

  private static AttributeValue s(String v) {
    return AttributeValue.fromS(v);
  }
}
