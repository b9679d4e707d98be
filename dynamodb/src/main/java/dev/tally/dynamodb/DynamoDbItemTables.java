package dev.tally.dynamodb;

import dev.tally.core.item.Condition;
import dev.tally.core.item.ConditionFailedException;
import dev.tally.core.item.Item;
import dev.tally.core.item.ItemKey;
import dev.tally.core.item.ItemStore;
import dev.tally.core.item.ItemTables;
import dev.tally.core.item.ItemWrite;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * DynamoDB tables for a rebuild: the metrics table and on-demand staging tables {@code
 * <metrics>-rebuild-<time>} beside it. A switch is not atomic (DynamoDB transactions hold at most
 * 100 items): it writes the staging items over the live ones, then deletes the live items of the
 * range the staging table lacks, so a reader during the switch may see some days rebuilt and others
 * not yet.
 */
public final class DynamoDbItemTables implements ItemTables {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
  private final DynamoDbClient ddb;
  private final String liveTable;
  private final Clock clock;

  public DynamoDbItemTables(DynamoDbClient ddb, String liveTable, Clock clock) {
    this.ddb = ddb;
    this.liveTable = liveTable;
    this.clock = clock;
  }

  @Override
  public DynamoDbItemStore live() {
    return DynamoDbItemStore.create(ddb, liveTable, clock);
  }

  @Override
  public String newStagingName(Instant now) {
    return liveTable + "-rebuild-" + STAMP.format(now);
  }

  @Override
  public DynamoDbItemStore staging(String name) {
    Tables.createIfMissing(ddb, name);
    return DynamoDbItemStore.create(ddb, name, clock);
  }

  @Override
  public List<Item> scan(ItemStore table, String pkPrefix, String sk) {
    List<Item> out = new ArrayList<>();
    ((DynamoDbItemStore) table).scan(pkPrefix, sk, out::add);
    return out;
  }

  @Override
  public int switchTo(String staging, String pkPrefix, Predicate<Item> replaced) {
    DynamoDbItemStore live = live();
    DynamoDbItemStore fresh = DynamoDbItemStore.create(ddb, staging, clock);
    Set<ItemKey> liveKeys = new HashSet<>();
    Set<ItemKey> liveReplaced = new HashSet<>();
    live.scan(
        pkPrefix,
        null,
        i -> {
          liveKeys.add(i.key());
          if (replaced.test(i)) {
            liveReplaced.add(i.key());
          }
        });
    List<Item> replacing = new ArrayList<>();
    List<Item> adding = new ArrayList<>();
    fresh.scan(
        pkPrefix,
        null,
        i -> {
          if (replaced.test(i)) {
            replacing.add(i);
          } else if (!liveKeys.contains(i.key())) {
            adding.add(i);
          }
        });
    // New items first, stale ones after: a reader never sees a rebuilt day's items missing.
    live.putAll(replacing);
    Set<ItemKey> kept = new HashSet<>();
    replacing.forEach(i -> kept.add(i.key()));
    List<ItemKey> stale = new ArrayList<>();
    for (ItemKey k : liveReplaced) {
      if (!kept.contains(k)) {
        stale.add(k);
      }
    }
    live.deleteAll(stale);
    int added = 0;
    for (Item i : adding) {
      try {
        // Only where absent: live aggregation may have written a newer one meanwhile.
        live.write(List.of(ItemWrite.put(i, Condition.ABSENT)));
        added++;
      } catch (ConditionFailedException e) {
        // written meanwhile: the live one stays
      }
    }
    return replacing.size() + added;
  }

  @Override
  public void drop(String staging) {
    try {
      ddb.deleteTable(b -> b.tableName(staging));
      ddb.waiter().waitUntilTableNotExists(b -> b.tableName(staging));
    } catch (ResourceNotFoundException e) {
      // gone already
    }
  }

  @Override
  public boolean atomicSwitch() {
    return false;
  }
}
