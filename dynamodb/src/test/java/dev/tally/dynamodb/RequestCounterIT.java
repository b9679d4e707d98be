package dev.tally.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemWrite;
import dev.tally.testkit.DynaliteFixture;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The SDK interceptor counts each API call once per operation, on a real (emulated) DynamoDB. */
class RequestCounterIT {
  private static final DynaliteFixture DDB = DynaliteFixture.shared();

  @Test
  void counter_countsEachCallOncePerOperation() {
    String table = DDB.newTable(DynaliteFixture.Keys.PK_SK);
    RequestCounter counter = RequestCounter.create();
    try (DynamoDbClient client = DDB.newClient(counter)) {
      DynamoDbItemStore store = DynamoDbItemStore.create(client, table, Clock.systemUTC());
      store.write(List.of(ItemWrite.update(ItemKey.of("p", "a")).add("n", 1).build()));
      store.write(
          List.of(
              ItemWrite.update(ItemKey.of("p", "a")).add("n", 1).build(),
              ItemWrite.update(ItemKey.of("p", "b")).add("n", 1).build()));
      store.get(ItemKey.of("p", "a"));

      assertThat(counter.count("UpdateItem")).isEqualTo(1);
      assertThat(counter.count("TransactWriteItems")).isEqualTo(1);
      assertThat(counter.counts().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(3);
      counter.reset();
      assertThat(counter.counts()).isEmpty();
    }
  }
}
