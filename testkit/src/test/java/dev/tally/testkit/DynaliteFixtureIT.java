package dev.tally.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** What the dynalite proxy adds behaves like DynamoDB: transactions, TTL settings, ALL_OLD. */
class DynaliteFixtureIT {
  private final DynaliteFixture ddb = DynaliteFixture.shared();
  private final DynamoDbClient client = ddb.client();

  private static Map<String, AttributeValue> key(String pk) {
    return Map.of("pk", AttributeValue.fromS(pk));
  }

  private static AttributeValue n(long v) {
    return AttributeValue.fromN(Long.toString(v));
  }

  private static TransactWriteItem add(String table, String pk, long amount, Long atLeast) {
    return TransactWriteItem.builder()
        .update(
            u -> {
              u.tableName(table)
                  .key(key(pk))
                  .updateExpression("ADD #b :d")
                  .expressionAttributeNames(Map.of("#b", "balance"))
                  .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
              if (atLeast == null) {
                u.expressionAttributeValues(Map.of(":d", n(amount)));
              } else {
                u.conditionExpression("#b >= :min")
                    .expressionAttributeValues(Map.of(":d", n(amount), ":min", n(atLeast)));
              }
            })
        .build();
  }

  private long balance(String table, String pk) {
    var r = client.getItem(b -> b.tableName(table).key(key(pk)).consistentRead(true));
    return r.hasItem() ? Long.parseLong(r.item().get("balance").n()) : 0;
  }

  @Test
  void transaction_appliesEveryWrite_andReportsCapacity() {
    String t = ddb.newTable(DynaliteFixture.Keys.PK);
    var r =
        client.transactWriteItems(
            b ->
                b.transactItems(add(t, "a", 10, null), add(t, "b", 5, null))
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
    assertThat(balance(t, "a")).isEqualTo(10);
    assertThat(balance(t, "b")).isEqualTo(5);
    assertThat(r.consumedCapacity())
        .singleElement()
        .satisfies(c -> assertThat(c.capacityUnits()).isEqualTo(4.0));
  }

  @Test
  void cancelledTransaction_writesNothing_andNamesTheFailingIndexWithTheOldItem() {
    String t = ddb.newTable(DynaliteFixture.Keys.PK);
    client.transactWriteItems(b -> b.transactItems(add(t, "a", 10, null), add(t, "b", 1, null)));
    assertThatThrownBy(
            () ->
                client.transactWriteItems(
                    b ->
                        b.transactItems(
                            add(t, "new", 7, null), add(t, "a", 3, null), add(t, "b", -5, 5L))))
        .isInstanceOfSatisfying(
            TransactionCanceledException.class,
            e -> {
              assertThat(e.cancellationReasons())
                  .extracting(c -> c.code())
                  .containsExactly("None", "None", "ConditionalCheckFailed");
              assertThat(e.cancellationReasons().get(2).item().get("balance").n()).isEqualTo("1");
            });
    assertThat(balance(t, "a")).isEqualTo(10);
    assertThat(balance(t, "b")).isEqualTo(1);
    assertThat(client.getItem(b -> b.tableName(t).key(key("new"))).hasItem()).isFalse();
  }

  @Test
  void transaction_withTwoWritesToOneItem_isRefused() {
    String t = ddb.newTable(DynaliteFixture.Keys.PK);
    assertThatThrownBy(
            () ->
                client.transactWriteItems(
                    b -> b.transactItems(add(t, "a", 1, null), add(t, "a", 2, null))))
        .isInstanceOf(DynamoDbException.class)
        .hasMessageContaining("multiple operations on one item");
    assertThat(balance(t, "a")).isZero();
  }

  @Test
  void singleWriteConditionFailure_returnsTheOldItem_whenAsked() {
    String t = ddb.newTable(DynaliteFixture.Keys.PK_SK);
    Map<String, AttributeValue> k =
        Map.of("pk", AttributeValue.fromS("p"), "sk", AttributeValue.fromS("s"));
    client.putItem(
        b -> b.tableName(t).item(Map.of("pk", k.get("pk"), "sk", k.get("sk"), "v", n(3))));
    assertThatThrownBy(
            () ->
                client.putItem(
                    b ->
                        b.tableName(t)
                            .item(k)
                            .conditionExpression("attribute_not_exists(pk)")
                            .returnValuesOnConditionCheckFailure(
                                ReturnValuesOnConditionCheckFailure.ALL_OLD)))
        .isInstanceOfSatisfying(
            ConditionalCheckFailedException.class,
            e -> assertThat(e.item().get("v").n()).isEqualTo("3"));
  }

  @Test
  void ttlSetting_isStoredAndDescribed() {
    String t = ddb.uniquePrefix() + "ttl";
    ddb.createTable(t, DynaliteFixture.Keys.PK);
    var d = client.describeTimeToLive(b -> b.tableName(t)).timeToLiveDescription();
    assertThat(d.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
    assertThat(d.attributeName()).isEqualTo("expiresAt");
    assertThatThrownBy(
            () ->
                client.updateTimeToLive(
                    b ->
                        b.tableName(t)
                            .timeToLiveSpecification(
                                s -> s.enabled(true).attributeName("expiresAt"))))
        .hasMessageContaining("already enabled");
    client.updateTimeToLive(
        b ->
            b.tableName(t)
                .timeToLiveSpecification(s -> s.enabled(false).attributeName("expiresAt")));
    assertThat(
            client
                .describeTimeToLive(b -> b.tableName(t))
                .timeToLiveDescription()
                .timeToLiveStatus())
        .isEqualTo(TimeToLiveStatus.DISABLED);
  }

  @Test
  void concurrentTransfers_conserveTheSum() throws Exception {
    String t = ddb.newTable(DynaliteFixture.Keys.PK);
    int accounts = 5;
    for (int i = 0; i < accounts; i++) {
      int a = i;
      client.putItem(
          b ->
              b.tableName(t)
                  .item(Map.of("pk", AttributeValue.fromS("acc" + a), "balance", n(100))));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> futures = new ArrayList<>();
    for (int th = 0; th < 4; th++) {
      int seed = th;
      futures.add(
          pool.submit(
              () -> {
                Random rnd = new Random(seed);
                for (int i = 0; i < 40; i++) {
                  String from = "acc" + rnd.nextInt(accounts);
                  String to =
                      "acc"
                          + ((Integer.parseInt(from.substring(3)) + 1 + rnd.nextInt(accounts - 1))
                              % accounts);
                  long amount = 1 + rnd.nextInt(60);
                  try {
                    client.transactWriteItems(
                        b ->
                            b.transactItems(
                                add(t, from, -amount, amount), add(t, to, amount, null)));
                  } catch (TransactionCanceledException insufficient) {
                    // the balance was too low: nothing moved
                  }
                }
              }));
    }
    for (Future<?> f : futures) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    long sum = 0;
    for (int i = 0; i < accounts; i++) {
      long b = balance(t, "acc" + i);
      assertThat(b).isNotNegative();
      sum += b;
    }
    assertThat(sum).isEqualTo(100L * accounts);
  }

  @Test
  void dataDir_keepsTablesAcrossRestarts(@TempDir Path dir) {
    String t = "persisted";
    try (DynaliteFixture first = DynaliteFixture.start(dir)) {
      first.createTable(t, DynaliteFixture.Keys.PK);
      first
          .client()
          .putItem(b -> b.tableName(t).item(Map.of("pk", AttributeValue.fromS("k"), "v", n(42))));
    }
    try (DynaliteFixture second = DynaliteFixture.start(dir)) {
      var r = second.client().getItem(b -> b.tableName(t).key(key("k")).consistentRead(true));
      assertThat(r.item().get("v").n()).isEqualTo("42");
      assertThat(
              second
                  .client()
                  .describeTimeToLive(b -> b.tableName(t))
                  .timeToLiveDescription()
                  .timeToLiveStatus())
          .isEqualTo(TimeToLiveStatus.ENABLED);
    }
  }
}
