package dev.tally.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.store.ApiKeys;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.core.store.KeyKind;
import dev.tally.core.store.Store;
import dev.tally.core.store.StoreRegistry;
import dev.tally.testkit.DynaliteFixture;
import dev.tally.testkit.StoreRegistryConformance;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The registry on a key-only DynamoDB table meets the contract and keeps today's item layout. */
class ItemStoreRegistryIT extends StoreRegistryConformance {
  private static final DynaliteFixture DDB = DynaliteFixture.shared();
  private String table;

  @Override
  protected StoreRegistry newRegistry() {
    table = DDB.newTable(DynaliteFixture.Keys.PK);
    return new ItemStoreRegistry(DynamoDbItemStore.keyOnly(DDB.client(), table, Clock.systemUTC()));
  }

  @Override
  protected String storedText() {
    return DDB.client().scan(b -> b.tableName(table).consistentRead(true)).items().toString();
  }

  private Map<String, AttributeValue> raw(String pk) {
    return DDB.client()
        .getItem(
            b ->
                b.tableName(table).key(Map.of("pk", AttributeValue.fromS(pk))).consistentRead(true))
        .item();
  }

  @Test
  void items_keepTheLayoutExistingTablesHold() {
    String wk = ApiKeys.generate(KeyKind.WRITE);
    registry.create(
        Store.of("shop-1", "Europe/Berlin", "EUR", List.of("https://a.example")),
        wk,
        ApiKeys.generate(KeyKind.READ));
    assertThat(raw("STORE#shop-1"))
        .isEqualTo(
            Map.of(
                "pk", AttributeValue.fromS("STORE#shop-1"),
                "timezone", AttributeValue.fromS("Europe/Berlin"),
                "currency", AttributeValue.fromS("EUR"),
                "allowedOrigins", AttributeValue.fromSs(List.of("https://a.example"))));
    String hash = ApiKeys.hash(wk);
    assertThat(raw("KEY#" + hash))
        .isEqualTo(
            Map.of(
                "pk", AttributeValue.fromS("KEY#" + hash),
                "hash", AttributeValue.fromS(hash),
                "storeId", AttributeValue.fromS("shop-1"),
                "kind", AttributeValue.fromS("WRITE")));
  }

  @Test
  void storesWrittenByThePreviousAdapter_areFound() {
    String rk = ApiKeys.generate(KeyKind.READ);
    String hash = ApiKeys.hash(rk);
    DDB.client()
        .putItem(
            b ->
                b.tableName(table)
                    .item(
                        Map.of(
                            "pk", AttributeValue.fromS("STORE#old"),
                            "timezone", AttributeValue.fromS("UTC"),
                            "currency", AttributeValue.fromS("USD"),
                            "allowedOrigins", AttributeValue.fromSs(List.of("*")))));
    DDB.client()
        .putItem(
            b ->
                b.tableName(table)
                    .item(
                        Map.of(
                            "pk", AttributeValue.fromS("KEY#" + hash),
                            "hash", AttributeValue.fromS(hash),
                            "storeId", AttributeValue.fromS("old"),
                            "kind", AttributeValue.fromS("READ"))));
    Store s = registry.findByKey(rk, KeyKind.READ).orElseThrow();
    assertThat(s.id()).isEqualTo("old");
    assertThat(s.allowsOrigin("https://any.example")).isTrue();
  }
}
