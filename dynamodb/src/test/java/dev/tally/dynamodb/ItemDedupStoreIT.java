package dev.tally.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.port.DedupStore;
import dev.tally.core.port.ItemDedupStore;
import dev.tally.testkit.DedupStoreConformance;
import dev.tally.testkit.DynaliteFixture;
import dev.tally.testkit.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The dedup store on a key-only DynamoDB table meets the contract and keeps today's layout. */
class ItemDedupStoreIT extends DedupStoreConformance {
  private static final DynaliteFixture DDB = DynaliteFixture.shared();
  private String table;

  @Override
  protected DedupStore newDedupStore(MutableClock clock, Duration ttl) {
    table = DDB.newTable(DynaliteFixture.Keys.PK);
    return new ItemDedupStore(DynamoDbItemStore.keyOnly(DDB.client(), table, clock), ttl, clock);
  }

  @Test
  void items_keepTheLayoutExistingTablesHold() {
    dedup.remember("shop-1", List.of("m1"));
    var item =
        DDB.client()
            .getItem(
                b ->
                    b.tableName(table)
                        .key(Map.of("pk", AttributeValue.fromS("shop-1#m1")))
                        .consistentRead(true))
            .item();
    long expires = clock.instant().plus(TTL).getEpochSecond();
    assertThat(item)
        .isEqualTo(
            Map.of(
                "pk", AttributeValue.fromS("shop-1#m1"),
                "expiresAt", AttributeValue.fromN(Long.toString(expires))));
  }
}
