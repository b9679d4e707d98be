package dev.tally.aggregator.testing;

import dev.tally.core.item.Item;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.dynamodb.internal.ItemCodec;
import dev.tally.sqlite.SqliteDatabase;
import dev.tally.sqlite.SqliteItemStore;
import dev.tally.testkit.DynaliteFixture;
import dev.tally.testkit.EngineTable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Fresh metrics tables on each real engine, for the ITs that every engine runs. */
public final class Engines {
  private Engines() {}

  /** A new table on the dynalite fixture (DynamoDB's API, open source, shared per JVM). */
  public static EngineTable dynamoDb() {
    DynaliteFixture fixture = DynaliteFixture.shared();
    String table = fixture.newTable(DynaliteFixture.Keys.PK_SK);
    ItemCodec codec = new ItemCodec(false);
    return new EngineTable(
        "dynamodb",
        DynamoDbItemStore.create(fixture.client(), table, Clock.systemUTC()),
        () -> {
          List<Item> out = new ArrayList<>();
          fixture
              .client()
              .scanPaginator(b -> b.tableName(table).consistentRead(true))
              .items()
              .forEach(raw -> out.add(codec.decode(raw)));
          return out;
        });
  }

  private static SqliteDatabase sqlite;

  /** A new table in a file-backed SQLite database shared per JVM (the embedded engine). */
  public static synchronized EngineTable sqlite() {
    if (sqlite == null) {
      sqlite = SqliteDatabase.openInMemory();
      Runtime.getRuntime().addShutdownHook(new Thread(sqlite::close));
    }
    SqliteItemStore store =
        sqlite.table("t" + java.util.UUID.randomUUID().toString().replace("-", ""));
    return new EngineTable("sqlite", store, store::scan);
  }
}
