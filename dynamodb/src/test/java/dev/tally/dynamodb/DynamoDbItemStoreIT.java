package dev.tally.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.core.error.RetryableException;
import dev.tally.core.error.TallyException;
import dev.tally.core.item.AttrValue;
import dev.tally.core.item.Condition;
import dev.tally.core.item.ConditionFailedException;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemQuery;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemWrite;
import dev.tally.testkit.DynaliteFixture;
import dev.tally.testkit.ItemStoreConformance;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The DynamoDB engine meets the ItemStore contract on dynalite, plus what only it has. */
class DynamoDbItemStoreIT extends ItemStoreConformance {
  private static final DynaliteFixture DDB = DynaliteFixture.shared();

  @Override
  protected ItemStore newStore() {
    return DynamoDbItemStore.create(
        DDB.client(), DDB.newTable(DynaliteFixture.Keys.PK_SK), Clock.systemUTC());
  }

  private DynamoDbItemStore ddbStore() {
    return (DynamoDbItemStore) store;
  }

  @Test
  void keyOnlyTable_holdsItemsWithAnEmptySortKey_only() {
    String table = DDB.newTable(DynaliteFixture.Keys.PK);
    DynamoDbItemStore kv = DynamoDbItemStore.keyOnly(DDB.client(), table, Clock.systemUTC());
    ItemKey key = ItemKey.of("STORE#shop-1", "");
    kv.write(
        List.of(
            ItemWrite.put(
                Item.of(key, Map.of("currency", AttrValue.str("EUR"))), Condition.ABSENT)));
    kv.write(List.of(ItemWrite.update(key).add("n", 2).build()));
    kv.putAll(List.of(Item.of(ItemKey.of("a#m1", ""), Map.of("x", AttrValue.num(1)))));
    assertThat(kv.get(key).orElseThrow().attrs())
        .isEqualTo(Map.of("currency", AttrValue.str("EUR"), "n", AttrValue.num(2)));
    assertThat(kv.getAll(List.of(key, ItemKey.of("a#m1", ""), ItemKey.of("none", ""))))
        .containsOnlyKeys(key, ItemKey.of("a#m1", ""));
    assertThat(kv.query(ItemQuery.partition("STORE#shop-1")))
        .extracting(Item::key)
        .containsExactly(key);
    assertThatThrownBy(() -> kv.get(ItemKey.of("p", "s")))
        .isInstanceOf(IllegalArgumentException.class);
    var raw =
        DDB.client()
            .getItem(
                b -> b.tableName(table).key(Map.of("pk", AttributeValue.fromS("STORE#shop-1"))));
    assertThat(raw.item()).containsOnlyKeys("pk", "currency", "n");
  }

  @Test
  void emptySortKey_onATableWithSortKey_isRefused() {
    assertThatThrownBy(() -> store.get(ItemKey.of("p", "")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> store.write(List.of(ItemWrite.update(ItemKey.of("p", "")).add("a", 1).build())))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keyAttributeNames_areRefusedAsItemAttributes() {
    assertThatThrownBy(
            () -> store.write(List.of(ItemWrite.update(ItemKey.of("p", "s")).add("sk", 1).build())))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void marks_areStoredAsABinarySetOfEightByteValues() {
    store.write(
        List.of(ItemWrite.update(ItemKey.of("p", "s")).addMarks("seen", List.of(1L, -1L)).build()));
    var raw =
        DDB.client()
            .getItem(
                b ->
                    b.tableName(ddbStore().table())
                        .key(
                            Map.of(
                                "pk", AttributeValue.fromS("p"), "sk", AttributeValue.fromS("s"))));
    assertThat(raw.item().get("seen").bs()).extracting(x -> x.asByteArray().length).containsOnly(8);
    assertThat(raw.item().get("seen").bs()).hasSize(2);
  }

  @Test
  void numbersOutsideTheLongRange_orWithFractions_areReadWithoutFailing() {
    String table = ddbStore().table();
    DDB.client()
        .putItem(
            b ->
                b.tableName(table)
                    .item(
                        Map.of(
                            "pk", AttributeValue.fromS("p"),
                            "sk", AttributeValue.fromS("s"),
                            "huge", AttributeValue.fromN("1" + "0".repeat(30)),
                            "tiny", AttributeValue.fromN("-1" + "0".repeat(30)),
                            "half", AttributeValue.fromN("12.5"),
                            "flag", AttributeValue.fromBool(true))));
    Item got = store.get(ItemKey.of("p", "s")).orElseThrow();
    assertThat(got.num("huge")).isEqualTo(Long.MAX_VALUE);
    assertThat(got.num("tiny")).isEqualTo(Long.MIN_VALUE);
    assertThat(got.num("half")).isEqualTo(12);
    assertThat(got.has("flag")).isFalse();
    assertThat(store.query(ItemQuery.partition("p"))).hasSize(1);
  }

  @Test
  void oneWrite_isOneSingleItemRequest_severalAreOneTransaction_andCapacityIsCounted() {
    ddbStore().resetCapacity();
    store.write(List.of(ItemWrite.update(ItemKey.of("p", "a")).add("n", 1).build()));
    var one = ddbStore().capacity();
    assertThat(one.requests()).isEqualTo(1);
    assertThat(one.writeUnits()).isEqualTo(1.0);
    store.write(
        List.of(
            ItemWrite.update(ItemKey.of("p", "a")).add("n", 1).build(),
            ItemWrite.update(ItemKey.of("p", "b")).add("n", 1).build()));
    var two = ddbStore().capacity();
    assertThat(two.requests()).isEqualTo(2);
    assertThat(two.writeUnits()).isEqualTo(5.0);
    store.get(ItemKey.of("p", "a"));
    assertThat(ddbStore().capacity().readUnits()).isEqualTo(1.0);
  }

  @Test
  void tooLargeItemInATransaction_isRejected_notRetryable() {
    byte[] big = new byte[300 * 1024];
    ItemKey a = ItemKey.of("p", "a");
    List<ItemWrite> writes =
        List.of(
            ItemWrite.update(a).set("b1", AttrValue.bin(big)).build(),
            ItemWrite.update(ItemKey.of("p", "ok")).add("n", 1).build());
    store.write(writes);
    assertThatThrownBy(
            () ->
                store.write(
                    List.of(
                        ItemWrite.update(a).set("b2", AttrValue.bin(big)).build(),
                        ItemWrite.update(ItemKey.of("p", "ok")).add("n", 1).build())))
        .isInstanceOfSatisfying(
            TallyException.class,
            e -> {
              assertThat(e).isNotInstanceOf(RetryableException.class);
              assertThat(e.code()).isEqualTo("write_rejected");
              assertThat(e.getMessage()).contains("ValidationError");
            });
    assertThat(store.get(ItemKey.of("p", "ok")).orElseThrow().num("n")).isEqualTo(1);
  }

  @Test
  void conditionFailures_atSeveralIndexes_areAllNamed() {
    ItemKey a = ItemKey.of("p", "a");
    ItemKey c = ItemKey.of("p", "c");
    store.write(List.of(ItemWrite.update(a).add("ver", 1).build()));
    store.write(List.of(ItemWrite.update(c).add("ver", 1).build()));
    assertThatThrownBy(
            () ->
                store.write(
                    List.of(
                        ItemWrite.update(a)
                            .add("ver", 1)
                            .when(Condition.versionIs("ver", null))
                            .build(),
                        ItemWrite.update(ItemKey.of("p", "b")).add("x", 1).build(),
                        ItemWrite.delete(c, Condition.versionIs("ver", 7L)))))
        .isInstanceOfSatisfying(
            ConditionFailedException.class,
            e -> {
              assertThat(e.failed()).containsExactly(0, 2);
              assertThat(e.current(0).orElseThrow().num("ver")).isEqualTo(1);
              assertThat(e.current(2).orElseThrow().num("ver")).isEqualTo(1);
            });
  }

  @Test
  void unreachableDynamoDb_isRetryable() {
    DynamoDbClient dead =
        DynamoDbClient.builder()
            .endpointOverride(URI.create("http://127.0.0.1:9"))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
            .build();
    DynamoDbItemStore s = DynamoDbItemStore.create(dead, "t", Clock.systemUTC());
    assertThatThrownBy(() -> s.get(ItemKey.of("p", "s"))).isInstanceOf(RetryableException.class);
    assertThatThrownBy(
            () -> s.write(List.of(ItemWrite.update(ItemKey.of("p", "s")).add("a", 1).build())))
        .isInstanceOf(RetryableException.class);
  }

  @Test
  void missingTable_isRejected_notRetryable() {
    DynamoDbItemStore s =
        DynamoDbItemStore.create(DDB.client(), "no-such-table", Clock.systemUTC());
    assertThatThrownBy(() -> s.get(ItemKey.of("p", "s")))
        .isInstanceOfSatisfying(
            TallyException.class,
            e -> {
              assertThat(e).isNotInstanceOf(RetryableException.class);
              assertThat(e.code()).isEqualTo("read_rejected");
            });
  }
}
